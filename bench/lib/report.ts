/**
 * Shared benchmark plumbing: medians over repeated runs, a printed table, and with --json
 * one JSON object as the last line of stdout (for CI and docs).
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Every run's value, so the table shows the spread behind the median. */
  runs: number[];
  note?: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(sortedValues: number[], p: number): number {
  if (sortedValues.length === 0) return NaN;
  const idx = Math.min(sortedValues.length - 1, Math.max(0, Math.ceil((p / 100) * sortedValues.length) - 1));
  return sortedValues[idx];
}

/** Runs `fn` `times` times (after `warmup` unrecorded runs) and returns the figure with the median. */
export async function measure(name: string, unit: string, times: number, fn: () => Promise<number>, warmup = 0, note?: string): Promise<Figure> {
  for (let i = 0; i < warmup; i++) await fn();
  const runs: number[] = [];
  for (let i = 0; i < times; i++) runs.push(await fn());
  return { name, unit, value: median(runs), runs, note };
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(n < 10 ? 2 : 1);
}

export function printTable(title: string, figures: Figure[]): void {
  const rows = figures.map((f) => [f.name, fmt(f.value), f.unit, f.runs.map(fmt).join(' / '), f.note ?? '']);
  const header = ['figure', 'median', 'unit', 'runs', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ') + ' |';
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log('| ' + widths.map((w, i) => (i === 1 ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ') + ' |');
  for (const r of rows) console.log(line(r));
  console.log('');
}

export function wantsJson(): boolean {
  return process.argv.includes('--json');
}

/** Prints the one JSON line (last line of output) with every figure's median by name. */
export function printJson(figures: Figure[], extra: Record<string, unknown> = {}): void {
  const out: Record<string, unknown> = { ...extra };
  for (const f of figures) out[f.name] = Number(f.value.toFixed(3));
  console.log(JSON.stringify(out));
}

export function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}
