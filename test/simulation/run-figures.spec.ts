import { forecastDrain, DrainModelInput, paymentWorkload } from '../../scripts/flash-sale/metrics/drain-model';
import type { LatencyPercentiles } from '../../scripts/flash-sale/metrics/latency-recorder';
import type { RunTimeline } from '../../scripts/flash-sale/metrics/run-timeline.types';
import type { Sample } from '../../scripts/flash-sale/metrics/sample.types';
import { Bucket, pointsFromBuckets, workWhileBacklogged } from '../../scripts/flash-sale/metrics/stage-work';
import { parseOptions } from '../../scripts/flash-sale/options';
import { peakShavingGaps, readComparison, readRun } from '../../scripts/flash-sale/report/run-reading';
import type { RunSummary } from '../../scripts/flash-sale/report/run-report.types';
import { intakeCpu, intakeRates, RunFacts, summariseRun } from '../../scripts/flash-sale/report/run-summary';

const base: DrainModelInput = {
  orders: 3000,
  shape: 'spike',
  burstSeconds: 2,
  seats: 15_000,
  buyers: 18_000,
  authPerSec: 1500,
  coursePerSec: 1000,
  paymentPerSec: 400,
};

/** The forecast curve's value of `series` at time t (nearest point). */
function at(t: number[], series: number[], when: number): number {
  let best = 0;
  for (let i = 0; i < t.length; i++) if (Math.abs(t[i] - when) < Math.abs(t[best] - when)) best = i;
  return series[best];
}

describe('drain forecast (Little\'s law, each stage at its capacity)', () => {
  it('payment is the bottleneck when its work per capacity is largest: last final ≈ workload ÷ capacity', () => {
    const f = forecastDrain(base);
    expect(f.bottleneck).toBe('payment');
    expect(f.bottleneckCapacityPerSec).toBe(400);
    expect(f.offeredPerSec).toBe(1500);
    expect(f.offeredToCapacity).toBeCloseTo(3.75, 2);
    // The spike's busiest second is its first: 1 − (1/2)^2 of the orders.
    expect(f.peakOfferedPerSec).toBe(2250);
    expect(forecastDrain({ ...base, shape: 'steady' }).peakOfferedPerSec).toBe(1500);
    // 3,000 charges at 400/s: 7.5 s after the opening, 5.5 s after the 2 s spike.
    expect(f.endSeconds).toBeCloseTo(7.5, 1);
    expect(f.drainSeconds).toBeCloseTo(5.5, 1);
    expect(f.stages.map((s) => [s.stage, s.workload, s.minBusySeconds])).toEqual([
      ['auth', 3000, 2],
      ['course-validation', 3000, 3],
      ['payment', 3000, 7.5],
    ]);
  });

  it('payment sees only min(seats, buyers, orders): with few seats the course check becomes the bottleneck', () => {
    expect(paymentWorkload(20_000, 1_000, 18_000)).toBe(1_000);
    expect(paymentWorkload(5_000, 4_000, 2_000)).toBe(2_000);
    const f = forecastDrain({ ...base, orders: 20_000, seats: 1_000, burstSeconds: 4 });
    expect(f.stages.find((s) => s.stage === 'payment')!.workload).toBe(1_000);
    expect(f.bottleneck).toBe('course-validation');
    // Every order is checked at 1,000/s (20 s); the last 19,000 are SOLD_OUT as soon as checked.
    expect(f.endSeconds).toBeCloseTo(20, 0);
    expect(f.drainSeconds).toBeCloseTo(16, 0);
  });

  it('the backlog left at the spike end, divided by the capacity, is the drain (steady arrivals, one limited stage)', () => {
    const f = forecastDrain({ ...base, shape: 'steady', orders: 4000, authPerSec: 0, coursePerSec: 0, paymentPerSec: 1000 });
    // 2,000/s arrive for 2 s, 1,000/s are charged: 2,000 wait at the spike end, 2 s of work.
    expect(at(f.curve.t, f.curve.backlog.payment, 2)).toBeGreaterThan(1950);
    expect(at(f.curve.t, f.curve.backlog.payment, 2)).toBeLessThan(2050);
    expect(f.drainSeconds).toBeCloseTo(2, 1);
    expect(at(f.curve.t, f.curve.backlog.auth, 1)).toBe(0); // unlimited: never a backlog
    expect(f.curve.pending[f.curve.pending.length - 1]).toBe(0);
  });

  it('a crowd slower than every stage leaves nothing to shave', () => {
    const f = forecastDrain({ ...base, shape: 'steady', orders: 1000, burstSeconds: 10 });
    expect(f.offeredToCapacity).toBeCloseTo(0.25, 2);
    expect(f.drainSeconds).toBeLessThan(0.1);
    for (const s of f.stages) expect(s.peakBacklog).toBeLessThanOrEqual(1);
  });

  it('no capacity anywhere: no bottleneck', () => {
    const f = forecastDrain({ ...base, authPerSec: 0, coursePerSec: 0, paymentPerSec: 0 });
    expect(f.bottleneck).toBeNull();
    expect(f.offeredToCapacity).toBeNull();
    expect(f.drainSeconds).toBeLessThan(0.1);
  });
});

describe('a stage\'s pace while it has a backlog', () => {
  const buckets = (from: number, count: number, n: number): Bucket[] => Array.from({ length: count }, (_, i) => ({ t: Math.round((from + i * 0.1) * 10) / 10, n }));

  it('counts only the time work waited for it, from its first finished item', () => {
    // 1,000 arrive at once; 100 finished per 100 ms from 0.1 s on.
    const w = workWhileBacklogged(pointsFromBuckets([{ t: 0, n: 1000 }], buckets(0.1, 10, 100), 0.1));
    expect(w.perSec).toBe(1000);
    expect(w.items).toBe(900);
    expect(w.busySeconds).toBeCloseTo(0.9, 6);
    expect(w.firstDoneAt).toBeCloseTo(0.2, 6);
    expect(w.lastDoneAt).toBeCloseTo(1.1, 6);
  });

  it('a stage that finishes each item as it comes never has a backlog: its pace is unknown, not slow', () => {
    const w = workWhileBacklogged(pointsFromBuckets(buckets(0, 20, 10), buckets(0, 20, 10), 0.1));
    expect(w.perSec).toBeNull();
    expect(w.items).toBe(0);
  });

  it('idle gaps between two backlogs do not lower the pace', () => {
    const arrived = [{ t: 0, n: 200 }, { t: 3, n: 200 }];
    const done = [...buckets(0.1, 2, 100), ...buckets(3.1, 2, 100)];
    const w = workWhileBacklogged(pointsFromBuckets(arrived, done, 0.1));
    expect(w.perSec).toBe(1000);
  });
});

describe('intake figures', () => {
  it('offered = orders ÷ spike; accepted ÷ the intake window, never shorter than the spike', () => {
    expect(intakeRates(3000, 2, 3000, 1.9)).toEqual({ offeredPerSec: 1500, acceptedPerSec: 1500, ratio: 1 });
    expect(intakeRates(3000, 2, 3000, 4)).toEqual({ offeredPerSec: 1500, acceptedPerSec: 750, ratio: 0.5 });
    expect(intakeRates(3000, 2, 1500, 2)).toMatchObject({ acceptedPerSec: 750, ratio: 0.5 });
    // One straggler answered at 2.6 s while 99 % came within 50 ms: the crowd was kept pace with.
    expect(intakeRates(3000, 2, 3000, 2.6, 50)).toMatchObject({ ratio: 0.98 });
    // Direct mode: most buyers waited seconds, so the window stretches with them.
    expect(intakeRates(3000, 2, 3000, 9, 8000)).toMatchObject({ acceptedPerSec: 333, ratio: 0.22 });
  });

  it('CPU µs per accepted order of order-service; in the single topology of the one process, flagged', () => {
    const processes = intakeCpu('processes', { before: { 'order-service': 1, auth: 5 }, after: { 'order-service': 1.6, auth: 6 } }, 3000);
    expect(processes).toEqual({ usPerOrder: 200, process: 'order-service', seconds: { 'order-service': 0.6, auth: 1 } });
    expect(intakeCpu('single', { before: { all: 2 }, after: { all: 3.5 } }, 3000)).toMatchObject({ usPerOrder: 500, process: 'all' });
    expect(intakeCpu('processes', null, 3000).usPerOrder).toBeNull();
    expect(intakeCpu('processes', { before: {}, after: { 'order-service': 1 } }, 0).usPerOrder).toBeNull();
  });
});

/** A sample at time t; cumulative counts as given. */
function sample(t: number, accepted: number, final: number, authLag: number, extra: Partial<Sample> = {}): Sample {
  return {
    mode: 'broker', t, sent: accepted, accepted, refused: 0, intakeErrors: 0, final, confirmed: final, rejected: 0, rejectedByReason: {},
    paid: final, pending: accepted - final, offeredRate: 0, intakeRate: 0, processedRate: 0, latencyP50: 5, latencyP90: 8, latencyP99: 20,
    serviceP50: 2, serviceP99: 10, stageDone: { auth: accepted - authLag, 'course-validation': null, payment: null },
    stageRate: { auth: null, 'course-validation': null, payment: null },
    lag: [
      { group: 'auth', topic: 'orders.created', partition: 0, lag: authLag },
      { group: 'payment', topic: 'payments.requested', partition: 0, lag: Math.max(0, accepted - final) },
      { group: 'order-service', topic: 'orders.created', partition: 0, lag: 5000 },
    ],
    lagByGroup: { auth: authLag }, totalLag: authLag, ...extra,
  };
}

const pct = (p50: number, p99: number): LatencyPercentiles => ({ count: 3000, p50, p90: p99, p99, max: p99 });

/**
 * A hand-built broker run: 3,000 orders in 2 s, payment 400/s charges 3,000 from 0.5 s to
 * 8 s (7.5 s at 400/s), everything final at 8 s.
 */
function facts(overrides: Partial<RunFacts> = {}): RunFacts {
  const charged: Bucket[] = [];
  for (let i = 0; i < 75; i++) charged.push({ t: Math.round((0.5 + i * 0.1) * 10) / 10, n: 40 });
  const timeline: RunTimeline = {
    bucketSeconds: 0.1,
    firstAcceptedAt: 0.001,
    firstFinalAfterMs: 612,
    accepted: [{ t: 0, n: 1500 }, { t: 1, n: 1500 }],
    courseChecked: [{ t: 0.1, n: 1000 }, { t: 1.1, n: 1000 }, { t: 2.1, n: 1000 }],
    validated: [{ t: 0.1, n: 1000 }, { t: 1.1, n: 1000 }, { t: 2.1, n: 1000 }],
    charged,
  };
  const samples = [
    sample(0, 0, 0, 0),
    sample(1, 1500, 200, 1000),
    sample(2, 3000, 600, 1500),
    sample(3, 3000, 1000, 0),
    sample(8, 3000, 3000, 0),
  ];
  const options = parseOptions(['--orders', '3000', '--burst-seconds', '2', '--payment-capacity', '400', '--auth-capacity', '1500', '--course-capacity', '1000', '--seats', '15000', '--buyers', '18000']);
  return {
    mode: 'broker',
    options,
    topology: 'processes',
    processes: [{ role: 'order-service', pid: 11, nice: 0 }, { role: 'payment', pid: 12, nice: 10 }],
    counters: {
      sent: 3000, dispatched: 3000, answered: 3000, accepted: 3000, refused: 0, intakeErrors: 0, timeouts: 0, connectionErrors: 0,
      byStatus: { 202: 3000 }, startedAtMs: 0, lastSentAtMs: 2000, lastAnsweredAtMs: 2000,
    },
    latency: pct(6, 40),
    service: pct(3, 25),
    samples,
    finalSample: samples[samples.length - 1],
    invariants: { lost: 0, missing: 0, oversold: 0, doubleCharged: 0, chargedWithoutSeat: 0, confirmedWithoutReceipt: 0, ordersOnBroker: 3000, examples: [] },
    rejectedByReason: {},
    times: { intakeEndT: 2, drainedAtT: 8, drained: true },
    timeline,
    cpu: { before: { 'order-service': 10, payment: 1 }, after: { 'order-service': 10.45, payment: 1.2 } },
    ...overrides,
  };
}

describe('run summary from hand-built samples and row timestamps', () => {
  it('finds the bottleneck, measures its pace from the charges, compares the drain with the prediction', () => {
    const { summary: s, forecast } = summariseRun(facts());
    expect(forecast.bottleneck).toBe('payment');
    expect(s).toMatchObject({
      topology: 'processes',
      offeredPerSec: 1500,
      acceptedPerSecDuringSpike: 1500,
      acceptedToOfferedRatio: 1,
      firstFinalAfterMs: 612,
      bottleneckStage: 'payment',
      downstreamCapacityPerSec: 400,
      offeredToCapacityRatio: 3.8,
      bottleneckPerSecDuringDrain: 400,
      predictedDrainSeconds: 5.5,
      finishedAfterSpikeSeconds: 6,
      drainSeconds: 6,
      intakeCpuUsPerOrder: 150,
      intakeCpuProcess: 'order-service',
      intakeCpuIncludesEverything: false,
      peakShaving: 'shown',
    });
    const auth = s.stages.find((x) => x.stage === 'auth')!;
    // auth: 1,000 behind at 1 s, 1,500 at 2 s, caught up by 3 s: (1500 − 500) + (3000 − 1500) in 2 s.
    expect(auth.measuredPerSec).toBe(1250);
    expect(s.stages.find((x) => x.stage === 'payment')!.firstDoneAt).toBeCloseTo(0.6, 6);
    expect(s.processes).toEqual([{ role: 'order-service', pid: 11, nice: 0 }, { role: 'payment', pid: 12, nice: 10 }]);
    expect(s.reading).toMatch(/3,000 orders arrived in 2\.0 s \(1,500\/s on average/);
    expect(s.reading).toMatch(/3\.8× the 400\/s that payment/);
    expect(s.reading).toMatch(/Payment worked at 400\/s \(its capacity 400\/s\) from 0\.6 s after the opening while orders waited for it in the broker \(up to 2,400 messages\)/);
    // Peak lag per stage is its group's lag on its own input topic (not the aggregator's 5,000).
    expect(s.stages.map((x) => [x.stage, x.peakLag])).toEqual([['auth', 1500], ['course-validation', null], ['payment', 2400]]);
    expect(s.reading).toMatch(/order-service used 150 µs of CPU per accepted order/);
    expect(s.reading).toMatch(/6\.0 s after the spike, as predicted \(5\.5 s\)/);
    expect(s.reading).toMatch(/This is peak shaving/);
    expect(s.reading).toMatch(/processes topology, one OS process each for order-service, payment; payment ran at nice 10/);
  });

  it('slow receipts, an idle bottleneck or a drain far from the prediction: the reading says peak shaving was NOT shown, and why', () => {
    const slow = summariseRun(facts({ latency: pct(900, 3300), times: { intakeEndT: 4, drainedAtT: 20, drained: true } })).summary;
    expect(slow.peakShaving).toBe('not-shown');
    expect(slow.acceptedToOfferedRatio).toBe(0.5);
    const gaps = peakShavingGaps(slow).join('\n');
    expect(gaps).toMatch(/receipts were slow \(p99 3\.3 s/);
    expect(gaps).toMatch(/intake accepted only 50 %/);
    expect(gaps).toMatch(/drain \(18\.0 s\) was far from the prediction \(5\.5 s\)/);
    expect(slow.reading).toMatch(/did NOT show peak shaving/);
    expect(slow.reading).not.toMatch(/This is peak shaving/);

    const few: Bucket[] = Array.from({ length: 75 }, (_, i) => ({ t: Math.round((0.5 + i * 0.1) * 10) / 10, n: 10 }));
    const idle = summariseRun(facts({ timeline: { ...facts().timeline!, charged: few } })).summary;
    expect(idle.bottleneckPerSecDuringDrain).toBe(100);
    expect(peakShavingGaps(idle).join('\n')).toMatch(/payment did not work at its capacity/);
  });

  it('a crowd the downstream can take as it comes: "no peak to shave", not a claim of peak shaving', () => {
    const f = facts();
    const options = { ...f.options, payment: { ...f.options.payment, capacityPerSec: 100_000 }, authCapacityPerSec: 100_000, courseCapacityPerSec: 100_000 };
    const s = summariseRun({ ...f, options }).summary;
    expect(s.offeredToCapacityRatio).toBeLessThan(1);
    expect(s.peakShaving).toBe('no-peak');
    expect(s.reading).toMatch(/no peak to shave/);
  });

  it('the single topology flags the CPU figure as including everything; no timeline leaves the row-based figures null', () => {
    const s = summariseRun(facts({ topology: 'single', cpu: { before: { all: 1 }, after: { all: 2.5 } }, timeline: null })).summary;
    expect(s).toMatchObject({ intakeCpuUsPerOrder: 500, intakeCpuProcess: 'all', intakeCpuIncludesEverything: true, firstFinalAfterMs: null, bottleneckPerSecDuringDrain: null });
    expect(s.reading).toMatch(/includes the broker and every service/);
  });
});

describe('comparison reading follows the numbers', () => {
  const run = (mode: 'broker' | 'direct', p99: number, errors: number): RunSummary =>
    ({ ...summariseRun(facts()).summary, mode, intakeP99Ms: p99, intakeErrors: errors }) as RunSummary;

  it('says how much longer buyers waited without the message engine', () => {
    const text = readComparison(run('broker', 40, 0), run('direct', 4000, 900));
    expect(text).toMatch(/100× longer \(p99\) without the message engine/);
    expect(text).toMatch(/900 more buyers away/);
  });

  it('does not claim an advantage the run did not show', () => {
    const text = readComparison(run('broker', 400, 0), run('direct', 300, 0));
    expect(text).toMatch(/does not show the message engine's advantage/);
    expect(readRun(run('direct', 300, 0)).verdict).toBe('direct');
  });
});
