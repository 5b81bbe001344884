import { BURST_SHAPES, DEFAULT_OPTIONS, helpText, OptionsError, parseOptions } from '../../scripts/flash-sale/options';
import { cumulativeShare, sendSchedule } from '../../scripts/flash-sale/load/burst-shape';
import { forecastDrain } from '../../scripts/flash-sale/metrics/drain-model';
import { percentilesOf } from '../../scripts/flash-sale/metrics/latency-recorder';
import { buildReportJson, comparisonRows, textTable } from '../../scripts/flash-sale/report/report-writer';
import type { RunRecord, RunSummary } from '../../scripts/flash-sale/report/run-report.types';

describe('flash-sale options', () => {
  it('defaults: a spike that outruns payment several times, more buyers than seats, broker mode, processes topology, dashboard on', () => {
    const o = parseOptions([]);
    expect(o).toMatchObject({ shape: 'spike', modes: ['broker'], topology: 'processes', dashboard: true, json: false });
    expect(o.buyers).toBeGreaterThan(o.seats);
    expect(o.orders / o.burstSeconds).toBeGreaterThanOrEqual(3 * o.payment.capacityPerSec);
    expect(o.payment.capacityPerSec).toBe(DEFAULT_OPTIONS.payment.capacityPerSec);
  });

  it('parses every documented flag, in both --flag value and --flag=value forms', () => {
    const defaultPayment = DEFAULT_OPTIONS.payment.capacityPerSec;
    const o = parseOptions([
      '--orders', '2_000', '--buyers=300', '--seats', '50', '--shape', 'waves', '--burst-seconds', '1.5', '--payment-capacity', '250',
      '--payment-latency-ms', '5', '--payment-failure-rate', '0.1', '--partitions', '8', '--consumers', '3', '--mode', 'direct',
      '--json', '--no-dashboard', '--report-dir', 'out/x', '--direct-timeout-ms', '700',
      '--auth-capacity', '900', '--course-capacity=800', '--topology', 'single',
    ]);
    expect(o).toMatchObject({
      orders: 2000, buyers: 300, seats: 50, shape: 'waves', burstSeconds: 1.5, partitions: 8, consumersPerService: 3,
      modes: ['direct'], json: true, dashboard: false, reportDir: 'out/x', directTimeoutMs: 700,
      payment: { capacityPerSec: 250, latencyMs: 5, failureRate: 0.1 },
      authCapacityPerSec: 900, courseCapacityPerSec: 800, topology: 'single',
    });
    expect(DEFAULT_OPTIONS.payment.capacityPerSec).toBe(defaultPayment); // defaults are not mutated
  });

  it('--compare runs broker then direct', () => {
    expect(parseOptions(['--mode', 'direct', '--compare']).modes).toEqual(['broker', 'direct']);
  });

  it.each([
    [['--orders', '0'], /outside/],
    [['--orders', '1.5'], /whole number/],
    [['--shape', 'square'], /spike, ramp, waves, steady/],
    [['--mode'], /broker, direct/],
    [['--payment-failure-rate', '2'], /outside/],
    [['--nope'], /unknown option/],
  ])('rejects %j with a message for the user', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(OptionsError);
    expect(() => parseOptions(argv)).toThrow(message);
  });

  it('--help documents every option the issue asks for', () => {
    const text = helpText();
    for (const flag of ['--orders', '--buyers', '--seats', '--shape', '--burst-seconds', '--payment-capacity', '--payment-latency-ms',
      '--payment-failure-rate', '--partitions', '--consumers', '--mode', '--compare', '--json', '--no-dashboard', '--report-dir']) {
      expect(text).toContain(flag);
    }
    for (const shape of BURST_SHAPES) expect(text).toContain(shape);
  });
});

describe('burst shapes', () => {
  it.each(BURST_SHAPES)('%s: cumulative share rises from 0 to 1 and the schedule stays inside the burst', (shape) => {
    let previous = -1;
    for (let i = 0; i <= 100; i++) {
      const v = cumulativeShare(shape, i / 100);
      expect(v).toBeGreaterThanOrEqual(previous - 1e-12);
      previous = v;
    }
    expect(cumulativeShare(shape, 0)).toBeCloseTo(0, 9);
    expect(cumulativeShare(shape, 1)).toBeCloseTo(1, 9);
    const times = sendSchedule(shape, 1000, 2000);
    expect(times).toHaveLength(1000);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
    expect(times[0]).toBeGreaterThanOrEqual(0);
    expect(times[times.length - 1]).toBeLessThanOrEqual(2000);
  });

  it('a spike sends most orders early, a ramp most orders late, steady half by half time', () => {
    const firstQuarter = (shape: (typeof BURST_SHAPES)[number]): number => sendSchedule(shape, 1000, 1000).filter((t) => t < 250).length;
    expect(firstQuarter('spike')).toBeGreaterThan(400); // 1 − (3/4)² = 44 % in the first quarter (steady: 25 %)
    expect(firstQuarter('ramp')).toBeLessThan(100);
    expect(sendSchedule('steady', 1000, 1000).filter((t) => t < 500).length).toBe(500);
  });
});

describe('latency percentiles and the summary table', () => {
  it('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentilesOf(values)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
    expect(percentilesOf([])).toEqual({ count: 0, p50: null, p90: null, p99: null, max: null });
  });

  const summary = (mode: 'broker' | 'direct', intakeErrors: number): RunSummary =>
    ({ mode, ordersSent: 10, accepted: 10 - intakeErrors, intakeErrors, rejected: { SOLD_OUT: 2, TIMEOUT: 0 }, ok: true }) as unknown as RunSummary;

  it('one column per run, aligned; zero reasons left out', () => {
    const table = textTable(comparisonRows([summary('broker', 0), summary('direct', 7)]));
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/broker mode\s+direct mode$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(table).toMatch(/intake errors.*\s0\s+7$/m);
    expect(table).toMatch(/rejected\s+SOLD_OUT 2\s+SOLD_OUT 2$/m);
  });

  it('report.json: one run → its figures at the top level; --compare → one object per mode under runs', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const record = (s: RunSummary): RunRecord => ({ mode: s.mode, title: '', settings: {}, summary: s, samples: [], forecast: forecastDrain({ orders: 10, shape: 'spike', burstSeconds: 1, seats: 5, buyers: 10, authPerSec: 0, coursePerSec: 0, paymentPerSec: 5 }) });
    const single = buildReportJson([record(summary('broker', 0))], false, at);
    expect(single).toMatchObject({ mode: 'broker', ordersSent: 10, compare: false, ok: true, runs: [{ mode: 'broker' }] });
    const both = buildReportJson([record(summary('broker', 0)), record(summary('direct', 7))], true, at);
    expect(both.mode).toBeUndefined();
    expect(both.runs.map((r) => r.mode)).toEqual(['broker', 'direct']);
  });
});
