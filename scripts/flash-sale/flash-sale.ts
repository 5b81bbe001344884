import { DashboardServer } from './dashboard/dashboard-server';
import type { FlashSaleOptions } from './options';
import { buildReportJson, comparisonRows, defaultReportDir, textTable, writeReport } from './report/report-writer';
import { readComparison } from './report/run-reading';
import type { ReportJson, RunRecord, RunSummary } from './report/run-report.types';
import { runOnce, RunHooks } from './simulation-run';
import type { StackLauncher } from './stack/stack.types';

export const EXIT_OK = 0;
export const EXIT_INVARIANT_BROKEN = 1;
export const EXIT_FAILED = 2;

export interface FlashSaleIo {
  /** Human-readable output (the terminal view falls back to lines when not a TTY). */
  log: (line: string) => void;
  /** The final JSON line (only with --json). */
  printJson: (line: string) => void;
  tty?: boolean;
  /** Called with the dashboard URL as soon as it listens. */
  onDashboard?: (url: string) => void;
  onStackReady?: RunHooks['onStackReady'];
  now?: () => Date;
}

export interface FlashSaleOutcome {
  exitCode: number;
  report: ReportJson;
  reportDir: string;
  records: RunRecord[];
  dashboardUrl: string | null;
}

/** Width the readings are wrapped to in the terminal. */
const WRAP_COLUMNS = 110;

/** The stack's processes, one line (what the report's process table shows). */
function processLines(s: RunSummary): string[] {
  if (s.processes.length === 0) return [];
  const list = s.processes.map((p) => `${p.role} (pid ${p.pid}, nice ${p.nice})`).join(', ');
  return [`[${s.mode}] ${s.topology} topology, processes: ${list}`];
}

/** Wraps a paragraph at word boundaries. */
export function wrap(text: string, columns = WRAP_COLUMNS): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The whole simulation: dashboard up, one run per mode (two with --compare), summary table,
 * report folder. Exit code 1 when an invariant broke in any run. Always closes the dashboard.
 */
export async function runFlashSale(options: FlashSaleOptions, launcher: StackLauncher, io: FlashSaleIo): Promise<FlashSaleOutcome> {
  const now = io.now ?? (() => new Date());
  const dashboard = options.dashboard ? await DashboardServer.start() : null;
  if (dashboard) {
    io.log(`Live dashboard: ${dashboard.url}`);
    io.onDashboard?.(dashboard.url);
  }
  const records: RunRecord[] = [];
  let outcome: FlashSaleOutcome;
  try {
    for (const mode of options.modes) {
      const record = await runOnce(mode, options, launcher, {
        log: io.log,
        publish: (e) => dashboard?.publish(e),
        onStackReady: io.onStackReady,
        tty: io.tty,
      });
      records.push(record);
      io.log('');
      io.log(textTable(comparisonRows([record.summary])));
      io.log('');
      for (const line of processLines(record.summary)) io.log(line);
      io.log('');
      for (const line of wrap(`[${mode}] ${record.summary.reading}`)) io.log(line);
      io.log('');
    }
    const generatedAt = now();
    const reportDir = options.reportDir ?? defaultReportDir(generatedAt);
    const written = writeReport(reportDir, records, options.compare, generatedAt);
    const report = buildReportJson(records, options.compare, generatedAt);
    if (records.length > 1) {
      const rows = comparisonRows(records.map((r) => r.summary));
      io.log('Broker vs direct under the same load:');
      io.log(textTable(rows));
      io.log('');
      const broker = records.find((r) => r.mode === 'broker');
      const direct = records.find((r) => r.mode === 'direct');
      if (broker && direct) {
        const reading = readComparison(broker.summary, direct.summary);
        for (const line of wrap(reading)) io.log(line);
        io.log('');
        dashboard?.publish({ type: 'comparison', rows, reading });
      }
    }
    for (const r of records) {
      io.log(
        `[${r.mode}] invariants (PostgreSQL + broker): lost ${r.summary.lost}, oversold ${r.summary.oversold}, ` +
          `double charged ${r.summary.doubleCharged}, charged without a seat ${r.summary.chargedWithoutSeat} → ${r.summary.ok ? 'OK' : 'BROKEN'}` +
          (r.summary.invariantExamples.length ? ` (e.g. ${r.summary.invariantExamples.slice(0, 3).join(', ')})` : ''),
      );
    }
    io.log(`Report: ${written.html}`);
    io.log(`        ${written.json}`);
    if (dashboard && options.holdSeconds > 0) {
      io.log(`Dashboard stays up for ${options.holdSeconds} s: ${dashboard.url}`);
      await new Promise((r) => setTimeout(r, options.holdSeconds * 1000));
    }
    outcome = {
      exitCode: report.ok ? EXIT_OK : EXIT_INVARIANT_BROKEN,
      report,
      reportDir,
      records,
      dashboardUrl: dashboard?.url ?? null,
    };
  } finally {
    await dashboard?.close();
    await launcher.close?.();
  }
  // Last, after everything has shut down: nothing may print after this line.
  if (options.json) io.printJson(JSON.stringify(outcome.report));
  return outcome;
}
