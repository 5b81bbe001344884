import { ConsumerGroups, Topics } from '@peak/contracts';
import type { BurstShape } from '../options';
import { cumulativeShare } from '../load/burst-shape';

/** The downstream stages, in pipeline order (auth and course-validation run side by side). */
export const STAGES = ['auth', 'course-validation', 'payment'] as const;
export type StageName = (typeof STAGES)[number];

/** Consumer group that does each stage's work (its lag is the stage's backlog on the broker). */
export const STAGE_GROUP: Readonly<Record<StageName, string>> = {
  auth: ConsumerGroups.Auth,
  'course-validation': ConsumerGroups.CourseValidation,
  payment: ConsumerGroups.Payment,
};
/** The topic each stage takes its work from (its group's lag there is what the forecast predicts). */
export const STAGE_INPUT_TOPIC: Readonly<Record<StageName, string>> = {
  auth: Topics.OrderCreated,
  'course-validation': Topics.OrderCreated,
  payment: Topics.PaymentRequested,
};

/** Spacing of the forecast curve's points, seconds. */
export const FORECAST_STEP_SECONDS = 0.1;
/** Integration steps per second of the spike, at least (a short spike still gets ~100 steps). */
const MIN_STEPS_PER_SPIKE = 100;
/** Longest integration step during the spike, seconds. */
const MAX_SPIKE_STEP_SECONDS = 0.01;
/** Most integration steps after the spike (the queues only drain then: a coarser step is exact enough). */
const MAX_DRAIN_STEPS = 20_000;
/** An amount within this of its target counts as reached (the fluid never quite gets there). */
const REACHED = 0.5;

export interface DrainModelInput {
  /** Orders that arrive (accepted orders; before the run, the orders offered). */
  orders: number;
  shape: BurstShape;
  burstSeconds: number;
  seats: number;
  buyers: number;
  /** Per second; 0 = unlimited. */
  authPerSec: number;
  coursePerSec: number;
  paymentPerSec: number;
}

/** What the model says about one stage. */
export interface StageForecast {
  stage: StageName;
  /** null = unlimited. */
  capacityPerSec: number | null;
  /** Items the stage must work through: every order for the checks, min(seats, buyers, orders) charges for payment. */
  workload: number;
  /** workload ÷ capacity: the least time the stage needs, however the orders arrive. */
  minBusySeconds: number;
  /** Seconds since the burst started when the stage has done its workload. */
  finishSeconds: number;
  peakBacklog: number;
}

/** Predicted backlog over time, one column per series (compact in report.json and over SSE). */
export interface ForecastCurve {
  t: number[];
  /** Orders accepted and not yet final (CONFIRMED or REJECTED). */
  pending: number[];
  /** Items waiting for (or inside) each stage: what its consumer group's lag shows. */
  backlog: Record<StageName, number[]>;
}

export interface DrainForecast {
  stages: StageForecast[];
  /** The stage with the most work per unit of capacity (largest minBusySeconds); null if all are unlimited. */
  bottleneck: StageName | null;
  bottleneckCapacityPerSec: number | null;
  /** Average offered rate of the spike (orders ÷ spike seconds). */
  offeredPerSec: number;
  /** Offered orders per second in the busiest second of the spike. */
  peakOfferedPerSec: number;
  /** offeredPerSec ÷ the bottleneck's capacity (null without a bottleneck). */
  offeredToCapacity: number | null;
  /** Seconds since the burst started when the last order is final. */
  endSeconds: number;
  /** endSeconds − burstSeconds (never negative): the drain after the spike. */
  drainSeconds: number;
  curve: ForecastCurve;
}

/** Charges payment has to make: only orders that pass both checks and get a seat. */
export function paymentWorkload(orders: number, seats: number, buyers: number): number {
  // A seat per buyer and course: a buyer's second order is ALREADY_BOUGHT (or SOLD_OUT like
  // the first); orders beyond the seats are SOLD_OUT. Both are rejected at the course check.
  return Math.max(0, Math.min(orders, seats, buyers));
}

/**
 * Predicts how the pipeline works off a burst, as the course teaches it with Little's law.
 *
 * Each stage is a queue served at its capacity c (items/s): its backlog L grows while items
 * arrive faster than c and shrinks at c once they arrive slower; a backlog L takes L ÷ c
 * seconds to work off (Little's law: L = λ·W, with departures λ = c, so the wait W = L ÷ c).
 * auth and course-validation both see every accepted order as it is accepted (their arrivals
 * follow the offered curve); an order is checked when both are done; the first
 * min(seats, buyers, orders) checked orders go on to payment, the rest are rejected there
 * (SOLD_OUT, ALREADY_BOUGHT) and are final at once. An order is final when rejected at the
 * check or when charged (its confirmation is not a capacity-limited step).
 *
 * The stages are integrated as fluid queues (deterministic, no per-order noise). When the
 * bottleneck b (largest workload W_b ÷ c_b) is busy from the start, the last order is final at
 * about W_b ÷ c_b seconds, so the drain after a spike of T seconds is ≈ W_b ÷ c_b − T:
 * the backlog left at the spike's end, divided by the bottleneck's capacity. Payment
 * failures (a seat freed for a later order) and the gateways' latency are left out.
 * Pure function.
 */
export function forecastDrain(input: DrainModelInput): DrainForecast {
  const T = Math.max(1e-6, input.burstSeconds);
  const A = Math.max(0, input.orders);
  const cap = (c: number): number => (c > 0 ? c : Infinity);
  const caps: Record<StageName, number> = { auth: cap(input.authPerSec), 'course-validation': cap(input.coursePerSec), payment: cap(input.paymentPerSec) };
  const workPay = paymentWorkload(A, input.seats, input.buyers);
  const workload: Record<StageName, number> = { auth: A, 'course-validation': A, payment: workPay };
  const minBusy = (s: StageName): number => (Number.isFinite(caps[s]) ? workload[s] / caps[s] : 0);

  let bottleneck: StageName | null = null;
  for (const s of STAGES) {
    if (!Number.isFinite(caps[s]) || workload[s] === 0) continue;
    if (bottleneck === null || minBusy(s) > minBusy(bottleneck)) bottleneck = s;
  }

  const arrivedBy = (t: number): number => A * cumulativeShare(input.shape, t / T);
  const done: Record<StageName, number> = { auth: 0, 'course-validation': 0, payment: 0 };
  const finish: Record<StageName, number | null> = { auth: null, 'course-validation': null, payment: null };
  const peak: Record<StageName, number> = { auth: 0, 'course-validation': 0, payment: 0 };
  const curve: ForecastCurve = { t: [], pending: [], backlog: { auth: [], 'course-validation': [], payment: [] } };

  const bound = T + STAGES.reduce((sum, s) => sum + minBusy(s), 0) + 1;
  const spikeStep = Math.min(MAX_SPIKE_STEP_SECONDS, T / MIN_STEPS_PER_SPIKE);
  const drainStep = Math.max(spikeStep, (bound - T) / MAX_DRAIN_STEPS);
  let t = 0;
  let nextPoint = 0;
  let end: number | null = A === 0 ? 0 : null;
  const state = (): { arrived: number; checked: number; toPay: number; final: number } => {
    const arrived = arrivedBy(t);
    const checked = Math.min(done.auth, done['course-validation']);
    const toPay = Math.min(checked, workPay);
    return { arrived, checked, toPay, final: Math.max(0, checked - workPay) + done.payment };
  };
  const record = (): void => {
    const s = state();
    const backlog: Record<StageName, number> = {
      auth: s.arrived - done.auth,
      'course-validation': s.arrived - done['course-validation'],
      payment: s.toPay - done.payment,
    };
    for (const st of STAGES) peak[st] = Math.max(peak[st], backlog[st]);
    if (t + 1e-9 >= nextPoint) {
      curve.t.push(round2(t));
      curve.pending.push(Math.max(0, Math.round(s.arrived - s.final)));
      for (const st of STAGES) curve.backlog[st].push(Math.max(0, Math.round(backlog[st])));
      nextPoint += FORECAST_STEP_SECONDS;
    }
  };
  record();
  while (end === null && t < bound * 2) {
    const dt = t < T ? spikeStep : drainStep;
    t += dt;
    const arrived = arrivedBy(t);
    for (const s of ['auth', 'course-validation'] as const) done[s] = Math.min(arrived, done[s] + caps[s] * dt);
    const toPay = Math.min(Math.min(done.auth, done['course-validation']), workPay);
    done.payment = Math.min(toPay, done.payment + caps.payment * dt);
    for (const s of STAGES) if (finish[s] === null && done[s] >= workload[s] - REACHED) finish[s] = t;
    record();
    if (t >= T && state().final >= A - REACHED) end = t;
  }
  const endSeconds = end ?? t;
  // One last point at the end, so the curve reaches zero on the chart.
  if (curve.t[curve.t.length - 1] !== round2(endSeconds)) {
    curve.t.push(round2(endSeconds));
    curve.pending.push(0);
    for (const st of STAGES) curve.backlog[st].push(0);
  }
  const bottleneckCapacity = bottleneck ? caps[bottleneck] : null;
  const offeredPerSec = A / T;
  return {
    stages: STAGES.map((s) => ({
      stage: s,
      capacityPerSec: Number.isFinite(caps[s]) ? caps[s] : null,
      workload: Math.round(workload[s]),
      minBusySeconds: round2(minBusy(s)),
      finishSeconds: round2(finish[s] ?? endSeconds),
      peakBacklog: Math.round(peak[s]),
    })),
    bottleneck,
    bottleneckCapacityPerSec: bottleneckCapacity,
    offeredPerSec: Math.round(offeredPerSec),
    peakOfferedPerSec: Math.round(peakRate(input.shape, A, T)),
    offeredToCapacity: bottleneckCapacity ? round2(offeredPerSec / bottleneckCapacity) : null,
    endSeconds: round2(endSeconds),
    drainSeconds: round2(Math.max(0, endSeconds - T)),
    curve,
  };
}

/** Window over which the peak offered rate is taken: the busiest second (the charts' rate window too). */
const PEAK_WINDOW_SECONDS = 1;
/** Positions of that window tried across the spike. */
const PEAK_WINDOW_POSITIONS = 200;

/** Orders per second in the busiest PEAK_WINDOW_SECONDS of the spike (the whole spike if shorter). */
function peakRate(shape: BurstShape, orders: number, T: number): number {
  const w = Math.min(PEAK_WINDOW_SECONDS, T);
  let best = 0;
  for (let i = 0; i <= PEAK_WINDOW_POSITIONS; i++) {
    const start = ((T - w) * i) / PEAK_WINDOW_POSITIONS;
    const share = cumulativeShare(shape, (start + w) / T) - cumulativeShare(shape, start / T);
    best = Math.max(best, (share * orders) / w);
  }
  return best;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
