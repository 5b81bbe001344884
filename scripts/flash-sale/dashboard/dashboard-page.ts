import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Chart.js's browser build, from node_modules (never a CDN: the dashboard works offline). */
export function chartJsPath(): string {
  // The package's exports map hides dist/chart.umd.js; the main entry sits next to it.
  return join(dirname(require.resolve('chart.js')), 'chart.umd.js');
}

const PUBLIC_DIR = join(__dirname, 'public');

export function dashboardScriptPath(): string {
  return join(PUBLIC_DIR, 'dashboard.js');
}

/** The tables under each run's charts, and the DOM helpers dashboard.js uses (loaded before it). */
export function figuresScriptPath(): string {
  return join(PUBLIC_DIR, 'figures.js');
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0; padding: 16px 24px; color: #0f172a; background: #f8fafc; line-height: 1.45; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 4px 0 6px; }
h3 { font-size: 15px; margin: 10px 0 4px; }
#phase { color: #475569; margin: 0 0 12px; }
#comparison { margin-bottom: 16px; }
section.run { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 12px 16px; margin-bottom: 16px; }
.settings { color: #475569; font-size: 13px; margin: 0 0 8px; }
.reading { font-size: 15px; padding: 10px 14px; border-radius: 6px; border-left: 5px solid #94a3b8; background: #f1f5f9; margin: 8px 0; max-width: 1200px; }
.reading.verdict-shown { border-left-color: #16a34a; background: #f0fdf4; }
.reading.verdict-not-shown { border-left-color: #dc2626; background: #fef2f2; }
.reading.verdict-no-peak { border-left-color: #d97706; background: #fffbeb; }
.reading.verdict-direct, .reading.verdict-compare { border-left-color: #2563eb; background: #eff6ff; }
.reading.pending { color: #475569; font-style: italic; }
.reading .plan { font-style: normal; font-size: 13.5px; color: #334155; }
.tiles { display: grid; grid-template-columns: repeat(8, 1fr); gap: 8px; margin: 8px 0 12px; }
.tile { background: #f1f5f9; border-radius: 6px; padding: 6px 8px; }
.tile .value { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.tile .label { font-size: 12px; color: #475569; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
figure { margin: 0; }
figure.wide { grid-column: 1 / span 2; }
figcaption { font-size: 12.5px; color: #475569; margin: 2px 4px 0; }
.chart { position: relative; height: 300px; }
.chart.wide { height: 330px; }
.explain { font-size: 13.5px; color: #334155; background: #f8fafc; border: 1px dashed #cbd5e1; border-radius: 6px; padding: 8px 12px; max-width: 1200px; }
.explain:empty { display: none; }
.cols { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.note { font-size: 12.5px; color: #475569; max-width: 520px; }
details { margin-top: 10px; font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; margin-top: 4px; }
th, td { border: 1px solid #e2e8f0; padding: 3px 8px; text-align: left; font-variant-numeric: tabular-nums; }
th { background: #f1f5f9; }
`;

function shell(title: string, head: string, tail: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
${head}
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p id="phase">starting…</p>
<div id="comparison"></div>
<div id="runs"></div>
${tail}
</body>
</html>
`;
}

/** The live page: loads /chart.js and /dashboard.js from the dashboard server, listens on /events. */
export function livePage(): string {
  return shell(
    'Flash sale — live',
    '<script src="/chart.js"></script>\n<script src="/figures.js"></script>\n<script src="/dashboard.js"></script>',
    '<script>startLive("/events");</script>',
  );
}

/**
 * The self-contained report: Chart.js, the drawing code and the data are all inlined,
 * so the file opens from disk with no network at all.
 */
export function reportPage(report: unknown): string {
  const chartJs = readFileSync(chartJsPath(), 'utf8');
  const figures = readFileSync(figuresScriptPath(), 'utf8');
  const script = readFileSync(dashboardScriptPath(), 'utf8');
  return shell(
    'Flash sale — report',
    `<script>${inlineScript(chartJs)}</script>\n<script>${inlineScript(figures)}</script>\n<script>${inlineScript(script)}</script>`,
    `<script>renderReport(${inlineScript(JSON.stringify(report))});</script>`,
  );
}

/** Keeps a script body from closing its <script> element early. */
function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}
