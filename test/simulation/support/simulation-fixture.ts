import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFlashSale, FlashSaleIo, FlashSaleOutcome } from '../../../scripts/flash-sale/flash-sale';
import { parseOptions } from '../../../scripts/flash-sale/options';
import { ProcessStackLauncher } from '../../../scripts/flash-sale/stack/process-stack.launcher';
import { TEST_ADMIN_URL } from '../../e2e/support/test-database';

/**
 * The small simulation of the tests: 1,500 orders in a 3-second spike (1,000/s at the
 * opening, half the default's knee so a CI machine running it stays far from its limit)
 * against a payment capacity of 100/s, more buyers than seats, both modes back to back, in the real topology
 * (broker, each service and the crowd in OS processes of their own). Direct mode gives up
 * after 2 s server-side and the buyers after 4 s, so the overload must show there.
 */
export const SMALL_SIMULATION_ARGS = [
  '--orders', '1500',
  '--buyers', '1500',
  '--seats', '1000',
  '--shape', 'spike',
  '--burst-seconds', '3',
  '--payment-capacity', '100',
  '--payment-failure-rate', '0.02',
  '--direct-timeout-ms', '2000',
  '--request-timeout-ms', '4000',
  '--connections', '128',
  '--warm-up-orders', '500',
  '--drain-timeout-seconds', '60',
  '--compare',
  '--json',
];

export interface SimulationRun {
  outcome: FlashSaleOutcome;
  lines: string[];
  jsonLines: string[];
  reportDir: string;
}

/**
 * Runs the real simulation (every service in its own process, the test PostgreSQL at
 * TEST_ADMIN_URL, a fresh database per mode). `hooks` may watch the dashboard.
 */
export async function runSmallSimulation(hooks: Pick<FlashSaleIo, 'onDashboard' | 'onStackReady'> = {}): Promise<SimulationRun> {
  const reportDir = mkdtempSync(join(tmpdir(), 'flash-sale-report-'));
  const options = parseOptions([...SMALL_SIMULATION_ARGS, '--report-dir', reportDir]);
  const lines: string[] = [];
  const jsonLines: string[] = [];
  const outcome = await runFlashSale(options, new ProcessStackLauncher({ databaseUrl: TEST_ADMIN_URL }), {
    log: (line) => lines.push(line),
    printJson: (line) => jsonLines.push(line),
    tty: false,
    ...hooks,
  });
  return { outcome, lines, jsonLines, reportDir };
}
