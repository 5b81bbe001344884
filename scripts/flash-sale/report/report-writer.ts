import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { reportPage } from '../dashboard/dashboard-page';
import { explainForecast, readComparison } from './run-reading';
import type { ReportJson, RunRecord, RunSummary } from './run-report.types';

/** Default parent of report folders, relative to the working directory. */
export const DEFAULT_REPORTS_ROOT = 'reports';

/** One row of the summary table: a label and how to get its figure from a run. */
type Row = [string, keyof RunSummary | ((r: RunSummary) => unknown)];

/** Rows of the summary table (one column per run; side by side with --compare). */
const COMPARED: Row[] = [
  ['topology', 'topology'],
  ['peak shaving', 'peakShaving'],
  ['orders sent', 'ordersSent'],
  ['offered /s (spike average)', 'offeredPerSec'],
  ['accepted (receipt)', 'accepted'],
  ['accepted /s during the spike', 'acceptedPerSecDuringSpike'],
  ['  accepted ÷ offered', 'acceptedToOfferedRatio'],
  ['refused at intake (4xx)', 'refusedAtIntake'],
  ['intake errors (5xx, timeouts, resets)', 'intakeErrors'],
  ['  of which timeouts', 'intakeTimeouts'],
  ['receipt p50 ms (click → answer)', 'intakeP50Ms'],
  ['receipt p99 ms', 'intakeP99Ms'],
  ['receipt max ms', 'intakeMaxMs'],
  ['  server time p50 ms (request → answer)', 'intakeServiceP50Ms'],
  ['  server time p99 ms', 'intakeServiceP99Ms'],
  ['intake CPU µs per order', (r) => (r.intakeCpuUsPerOrder == null ? null : `${r.intakeCpuUsPerOrder.toLocaleString('en-US')} (${r.intakeCpuProcess}${r.intakeCpuIncludesEverything ? ': everything' : ''})`)],
  ['bottleneck stage', 'bottleneckStage'],
  ['  its capacity /s', 'downstreamCapacityPerSec'],
  ['  offered ÷ its capacity', 'offeredToCapacityRatio'],
  ['  its work /s while backlogged', 'bottleneckPerSecDuringDrain'],
  ['first order final after ms', 'firstFinalAfterMs'],
  ['peak intake /s', 'peakIntakePerSec'],
  ['peak processed /s', 'peakProcessedPerSec'],
  ['max lag', 'maxLag'],
  ['drain s after the last receipt', 'drainSeconds'],
  ['last final s after the spike (measured)', 'finishedAfterSpikeSeconds'],
  ['last final s after the spike (predicted)', 'predictedDrainSeconds'],
  ['confirmed', 'confirmed'],
  ['  buyer saw an error, yet charged', 'confirmedWithoutReceipt'],
  ['lost', 'lost'],
  ['oversold', 'oversold'],
  ['double charged', 'doubleCharged'],
  ['charged without a seat', 'chargedWithoutSeat'],
];

/** report.json content: single run → its figures at top level; always every run under `runs`. */
export function buildReportJson(records: readonly RunRecord[], compare: boolean, generatedAt: Date): ReportJson {
  const runs = records.map((r) => r.summary);
  const ok = runs.every((r) => r.ok);
  const top = !compare && runs.length === 1 ? runs[0] : {};
  return { ...top, generatedAt: generatedAt.toISOString(), compare, ok, runs };
}

/** The comparison table (header row first), one column per run. */
export function comparisonRows(runs: readonly RunSummary[]): string[][] {
  const rows: string[][] = [['', ...runs.map((r) => `${r.mode} mode`)]];
  for (const [label, get] of COMPARED) rows.push([label, ...runs.map((r) => formatCell(typeof get === 'function' ? get(r) : r[get]))]);
  rows.push(['rejected', ...runs.map((r) => formatCell(r.rejected))]);
  return rows;
}

function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return v.toLocaleString('en-US');
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, number>).filter(([, n]) => n > 0);
    return entries.length ? entries.map(([k, n]) => `${k} ${n}`).join(', ') : '0';
  }
  return String(v);
}

/** Renders rows as an aligned plain-text table. */
export function textTable(rows: readonly string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]), sep, ...rows.slice(1).map(line)].join('\n');
}

/** What report.html draws: every run with its samples, forecast and reading; the comparison. */
export function reportData(records: readonly RunRecord[], now: Date): Record<string, unknown> {
  const broker = records.find((r) => r.mode === 'broker');
  const direct = records.find((r) => r.mode === 'direct');
  return {
    generatedAt: now.toISOString(),
    runs: records.map((r) => ({
      mode: r.mode,
      title: r.title,
      settings: r.settings,
      summary: r.summary,
      samples: r.samples,
      forecast: r.forecast,
      explanation: explainForecast(r.mode, r.forecast, r.summary.burstSeconds, r.summary.seats, r.summary.buyers),
    })),
    comparison: records.length > 1 ? comparisonRows(records.map((r) => r.summary)) : null,
    comparisonReading: broker && direct ? readComparison(broker.summary, direct.summary) : null,
  };
}

/** Default report folder: reports/<timestamp>/ with a filesystem-safe ISO timestamp. */
export function defaultReportDir(now: Date): string {
  return join(DEFAULT_REPORTS_ROOT, now.toISOString().replace(/[:.]/g, '-'));
}

/**
 * Writes report.json and the self-contained report.html into `dir` (created if needed).
 * Returns the absolute paths written.
 */
export function writeReport(dir: string, records: readonly RunRecord[], compare: boolean, now: Date): { html: string; json: string } {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const json = buildReportJson(records, compare, now);
  const jsonPath = join(abs, 'report.json');
  writeFileSync(jsonPath, JSON.stringify(json, null, 2) + '\n');
  const htmlPath = join(abs, 'report.html');
  const page = reportPage(reportData(records, now));
  writeFileSync(htmlPath, page);
  return { html: htmlPath, json: jsonPath };
}
