import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import type { RunSummary } from '../../scripts/flash-sale/report/run-report.types';
import { waitFor } from '../e2e/support/wait-for';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium, LaunchedBrowser } from './support/chromium';
import { runSmallSimulation, SimulationRun } from './support/simulation-fixture';

/** Longest the whole simulation (both modes) may take here. */
const SIMULATION_TIMEOUT_MS = 170_000;
const REPORT_KEYS = [
  'mode', 'ordersSent', 'accepted', 'confirmed', 'rejected', 'lost', 'oversold', 'doubleCharged', 'intakeP50Ms', 'intakeP99Ms',
  'intakeErrors', 'maxLag', 'drainSeconds', 'predictedDrainSeconds', 'peakIntakePerSec', 'peakProcessedPerSec',
  'topology', 'processes', 'offeredPerSec', 'acceptedPerSecDuringSpike', 'acceptedToOfferedRatio', 'firstFinalAfterMs',
  'bottleneckStage', 'downstreamCapacityPerSec', 'bottleneckPerSecDuringDrain', 'finishedAfterSpikeSeconds', 'intakeCpuUsPerOrder',
  'stages', 'peakShaving', 'reading',
] as const;

interface DashboardView {
  samplesReceived: number;
  chartUpdates: number;
  /** Points per dataset of each chart of the broker run. */
  points: Record<string, number[]>;
  /** Dataset labels of each chart. */
  labels: Record<string, string[]>;
  /** The run's reading (empty until the run ends). */
  reading: string;
}

/** What the live page's Chart.js instances hold (read in the page). */
function readDashboard(page: Page, mode: string): Promise<DashboardView | null> {
  return page.evaluate((m) => {
    type ChartLike = { data: { datasets: Array<{ data: unknown[] }> } };
    const fs = (globalThis as unknown as { __flashSale?: { samplesReceived: number; chartUpdates: number; runs: Record<string, Record<string, ChartLike>> } }).__flashSale;
    const run = fs?.runs[m];
    if (!fs || !run) return null;
    const points: Record<string, number[]> = {};
    const labels: Record<string, string[]> = {};
    for (const name of ['rates', 'lag', 'partitions', 'latency']) {
      points[name] = run[name].data.datasets.map((d) => d.data.length);
      labels[name] = run[name].data.datasets.map((d) => String((d as { label?: string }).label));
    }
    const reading = (run as unknown as { reading: { textContent: string | null } }).reading.textContent ?? '';
    return { samplesReceived: fs.samplesReceived, chartUpdates: fs.chartUpdates, points, labels, reading };
  }, mode);
}

const hasPoints = (view: DashboardView | null, chart: string): boolean => (view?.points[chart] ?? []).some((n) => n > 0);

describe('flash-sale simulation: 1,500 orders, broker vs direct, real services and PostgreSQL', () => {
  let browser: LaunchedBrowser | null = null;
  let shots: string;
  let sim: SimulationRun;
  /** What the browser saw of the live dashboard during the broker run. */
  let live: { first: DashboardView; later: DashboardView; secondsApart: number; screenshot: string; pageErrors: string[] } | null = null;
  let liveFailure: unknown = null;

  beforeAll(async () => {
    shots = mkdtempSync(join(tmpdir(), 'flash-sale-shots-'));
    if (chromiumAvailable()) browser = await launchChromium();
    let watching: Promise<void> = Promise.resolve();
    sim = await runSmallSimulation({
      onDashboard: (url) => {
        if (!browser) return;
        const b = browser;
        watching = (async () => {
          const page = await b.context.newPage();
          const pageErrors: string[] = [];
          page.on('pageerror', (e) => pageErrors.push(String(e)));
          await page.goto(url);
          const first = await waitFor(async () => {
            const v = await readDashboard(page, 'broker');
            return v && v.samplesReceived >= 3 && hasPoints(v, 'rates') && hasPoints(v, 'latency') ? v : undefined;
          }, 'the live dashboard to chart broker samples', 60_000, 100);
          const firstAt = Date.now();
          const later = await waitFor(async () => {
            const v = await readDashboard(page, 'broker');
            return v && v.chartUpdates > first.chartUpdates + 1 && hasPoints(v, 'lag') && hasPoints(v, 'partitions') ? v : undefined;
          }, 'the live charts to update again', 30_000, 100);
          const secondsApart = (Date.now() - firstAt) / 1000;
          const screenshot = join(shots, 'dashboard-live.png');
          await page.screenshot({ path: screenshot, fullPage: true });
          live = { first, later, secondsApart, screenshot, pageErrors };
          await page.close();
        })().catch((e: unknown) => {
          liveFailure = e;
        });
      },
    });
    await watching;
  }, SIMULATION_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    if (shots) rmSync(shots, { recursive: true, force: true });
    if (sim) rmSync(sim.reportDir, { recursive: true, force: true });
  });

  const run = (mode: 'broker' | 'direct'): RunSummary => {
    const r = sim.outcome.records.find((x) => x.mode === mode);
    if (!r) throw new Error(`no ${mode} run in ${sim.lines.join('\n')}`);
    return r.summary;
  };

  test('broker mode: every order accepted and final; nothing lost, oversold or charged twice (from PostgreSQL and the broker)', () => {
    const b = run('broker');
    expect(b.ordersSent).toBe(1500);
    expect(b.drained).toBe(true);
    expect(b.lost).toBe(0);
    expect(b.oversold).toBe(0);
    expect(b.doubleCharged).toBe(0);
    expect(b.chargedWithoutSeat).toBe(0);
    expect(b.ordersOnBroker).toBe(b.accepted);
    const rejected = Object.values(b.rejected).reduce((a, n) => a + n, 0);
    expect(b.confirmed + rejected).toBe(b.accepted);
    expect(b.confirmed).toBeLessThanOrEqual(1000);
    expect(b.confirmed).toBeGreaterThan(900); // every seat sold except declined payments (2 %) and their retries
    expect(b.maxLag).toBeGreaterThan(0); // the backlog sat in the broker
  });

  test('the shape of peak shaving, as relations: accepted follows offered, receipts 10x faster than direct mode, first order final before the spike ends', () => {
    const b = run('broker');
    const d = run('direct');
    expect(b.topology).toBe('processes');
    expect(b.processes.map((p) => p.role)).toEqual(
      expect.arrayContaining(['broker', 'order-service', 'order-aggregator', 'auth', 'course-validation', 'payment']),
    );
    // The intake kept pace with the crowd (receipts within the spike plus the receipts' p99),
    // while the downstream could do a fifth of it.
    expect(b.acceptedToOfferedRatio).toBeGreaterThanOrEqual(0.8);
    expect(b.offeredToCapacityRatio ?? 0).toBeGreaterThanOrEqual(5);
    // Under the same spike, buyers waited at least ten times longer without the message engine
    // (the median buyer; the slowest ones too, at least as long).
    expect(d.intakeP50Ms ?? 0).toBeGreaterThanOrEqual(10 * (b.intakeP50Ms ?? Infinity));
    expect(d.intakeP99Ms ?? 0).toBeGreaterThanOrEqual(b.intakeP99Ms ?? Infinity);
    // The downstream worked from the first second: an order was final before the crowd stopped clicking.
    expect(b.firstFinalAfterMs ?? Infinity).toBeLessThan(b.burstSeconds * 1000);
    // The bottleneck worked at its capacity while the broker held its backlog (no pause for intake).
    expect(b.bottleneckPerSecDuringDrain ?? 0).toBeGreaterThanOrEqual(0.8 * (b.downstreamCapacityPerSec ?? Infinity));
  });

  test('direct mode under the same spike: timeouts or errors at intake, latency far above broker mode, invariants still hold', () => {
    const b = run('broker');
    const d = run('direct');
    expect(d.ordersSent).toBe(b.ordersSent);
    expect(d.intakeErrors).toBeGreaterThan(0);
    expect(d.intakeErrors).toBeGreaterThan(b.intakeErrors + 100);
    expect(d.accepted).toBeLessThan(b.accepted);
    expect(d.intakeP99Ms ?? 0).toBeGreaterThan(b.intakeP99Ms ?? 0);
    expect(d.lost).toBe(0);
    expect(d.oversold).toBe(0);
    expect(d.doubleCharged).toBe(0);
    expect(d.maxLag).toBe(0);
  });

  test('report.json has the figures of both runs under `runs`, and --json printed the same object last', () => {
    const report = JSON.parse(readFileSync(join(sim.reportDir, 'report.json'), 'utf8'));
    expect(report.compare).toBe(true);
    expect(report.ok).toBe(true);
    expect(report.runs.map((r: RunSummary) => r.mode)).toEqual(['broker', 'direct']);
    for (const r of report.runs) for (const k of REPORT_KEYS) expect(r).toHaveProperty(k);
    expect(sim.jsonLines).toHaveLength(1);
    expect(JSON.parse(sim.jsonLines[0])).toEqual(report);
    expect(sim.outcome.exitCode).toBe(0);
    expect(sim.lines.join('\n')).toMatch(/Broker vs direct under the same load/);
  });

  if (chromiumAvailable()) {
    describe('in a real browser (chromium)', () => {
      test('the live dashboard loads during the run, its charts receive data at least once a second, a screenshot is written', () => {
        if (liveFailure) throw liveFailure;
        expect(live).not.toBeNull();
        const v = live!;
        expect(v.pageErrors).toEqual([]);
        expect(v.later.samplesReceived).toBeGreaterThan(v.first.samplesReceived);
        expect(v.later.chartUpdates).toBeGreaterThan(v.first.chartUpdates);
        expect((v.later.chartUpdates - v.first.chartUpdates) / Math.max(v.secondsApart, 0.001)).toBeGreaterThanOrEqual(1);
        // The plan arrives before the burst: the bottleneck's capacity line and the forecast are drawn from the start.
        expect(v.first.labels.rates.join('|')).toMatch(/payment capacity \(100\/s\)/);
        expect(v.first.labels.lag.join('|')).toMatch(/payment forecast/);
        expect(v.later.labels.latency.join('|')).toMatch(/server p99/);
        expect(statSync(v.screenshot).size).toBeGreaterThan(10_000);
      });

      test('the HTML report opens offline and draws both runs and the comparison', async () => {
        const page = await browser!.context.newPage();
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        await browser!.context.setOffline(true);
        try {
          await page.goto(pathToFileURL(join(sim.reportDir, 'report.html')).toString());
          const view = await waitFor(async () => {
            const ok = await page.evaluate(() => (globalThis as unknown as { __flashSale?: { ended: boolean } }).__flashSale?.ended === true);
            return ok ? true : undefined;
          }, 'the report to render', 10_000, 50);
          expect(view).toBe(true);
          for (const mode of ['broker', 'direct']) {
            const charts = await readDashboard(page, mode);
            expect(hasPoints(charts, 'rates')).toBe(true);
            expect(hasPoints(charts, 'latency')).toBe(true);
          }
          const broker = await readDashboard(page, 'broker');
          expect(hasPoints(broker, 'lag')).toBe(true);
          expect(broker!.labels.rates.join('|')).toMatch(/payment work\/s \(the bottleneck\)/);
          expect(broker!.labels.lag.join('|')).toMatch(/payment forecast/);
          // The reading at the top is built from this run's figures.
          expect(broker!.reading).toContain(`${run('broker').ordersSent.toLocaleString('en-US')} orders arrived in 3.0 s`);
          expect(broker!.reading).toContain(`predicted (${run('broker').predictedDrainSeconds.toFixed(1)} s)`);
          expect((await readDashboard(page, 'direct'))!.reading).toMatch(/Direct mode \(RPC, no message engine\)/);
          expect(await page.locator('#comparison table').count()).toBe(1);
          expect(await page.locator('#comparison .reading').textContent()).toMatch(/Same crowd, two designs/);
          expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
          const shot = join(shots, 'report.png');
          await page.screenshot({ path: shot, fullPage: true });
          expect(existsSync(shot)).toBe(true);
        } finally {
          await browser!.context.setOffline(false);
          await page.close();
        }
      });
    });
  } else {
    describe('in a real browser (chromium)', () => {
      test('needs chromium', () => {
        throw new Error(`no chromium at ${CHROMIUM_PATH}, so the dashboard and report cannot be checked in a browser: apt-get install -y chromium, or set CHROMIUM_PATH`);
      });
    });
  }
});
