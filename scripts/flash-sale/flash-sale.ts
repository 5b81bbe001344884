import { DashboardServer } from './dashboard/dashboard-server';
import type { FlashSaleOptions } from './options';
import { buildReportJson, comparisonRows, defaultReportDir, textTable, writeReport } from './report/report-writer';
import type { ReportJson, RunRecord } from './report/run-report.types';
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
    }
    const generatedAt = now();
    const reportDir = options.reportDir ?? defaultReportDir(generatedAt);
    const written = writeReport(reportDir, records, options.compare, generatedAt);
    const report = buildReportJson(records, options.compare, generatedAt);
    if (records.length > 1) {
      io.log('Broker vs direct under the same load:');
      io.log(textTable(comparisonRows(records.map((r) => r.summary))));
      io.log('');
    }
    for (const r of records) {
      io.log(
        `[${r.mode}] invariants (PostgreSQL + broker): lost ${r.summary.lost}, oversold ${r.summary.oversold}, ` +
          `double charged ${r.summary.doubleCharged} → ${r.summary.ok ? 'OK' : 'BROKEN'}` +
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
