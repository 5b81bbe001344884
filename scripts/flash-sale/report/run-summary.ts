import type { LoadCounters } from '../load/load-generator';
import { DrainForecast, forecastDrain, STAGE_GROUP, STAGE_INPUT_TOPIC, StageName, STAGES } from '../metrics/drain-model';
import type { LatencyPercentiles } from '../metrics/latency-recorder';
import type { RunTimeline } from '../metrics/run-timeline.types';
import type { Sample } from '../metrics/sample.types';
import { pointsFromBuckets, StagePoint, StageWork, workWhileBacklogged } from '../metrics/stage-work';
import type { FlashSaleOptions, RunMode } from '../options';
import type { InvariantReport, Topology } from '../stack/stack.types';
import { readRun } from './run-reading';
import type { ProcessInfo, RunSummary, StageFigures } from './run-report.types';

/** The options the figures depend on. */
export type SummaryOptions = Pick<
  FlashSaleOptions,
  'orders' | 'buyers' | 'seats' | 'shape' | 'burstSeconds' | 'payment' | 'authCapacityPerSec' | 'courseCapacityPerSec'
>;

/** When intake ended and the run drained, seconds since the burst started. */
export interface DrainTimes {
  /** The last intake answer (or give-up). */
  intakeEndT: number;
  drainedAtT: number | null;
  drained: boolean;
}

/** CPU seconds per process role at the burst start and at the end of intake. */
export interface IntakeCpu {
  before: Record<string, number>;
  after: Record<string, number>;
}

/** Everything a run's figures are computed from. */
export interface RunFacts {
  mode: RunMode;
  options: SummaryOptions;
  topology: Topology;
  processes: ReadonlyArray<ProcessInfo>;
  counters: LoadCounters;
  /** Click → answer, whole run. */
  latency: LatencyPercentiles;
  /** Request sent → answer, whole run. */
  service: LatencyPercentiles;
  samples: readonly Sample[];
  finalSample: Sample;
  invariants: InvariantReport;
  rejectedByReason: Record<string, number>;
  times: DrainTimes;
  /** From the rows' timestamps; null when the probe cannot tell. */
  timeline: RunTimeline | null;
  cpu: IntakeCpu | null;
}

/** The model's inputs from the options, for `orders` arriving orders. */
export function forecastFor(options: SummaryOptions, orders: number): DrainForecast {
  return forecastDrain({
    orders,
    shape: options.shape,
    burstSeconds: options.burstSeconds,
    seats: options.seats,
    buyers: options.buyers,
    authPerSec: options.authCapacityPerSec,
    coursePerSec: options.courseCapacityPerSec,
    paymentPerSec: options.payment.capacityPerSec,
  });
}

/**
 * Builds a run's figures (pure). The forecast is made for the orders that actually entered
 * the pipeline (receipts, or order rows when some were written without a receipt).
 */
export function summariseRun(f: RunFacts): { summary: RunSummary; forecast: DrainForecast } {
  const { options: o, counters: c, samples, finalSample, invariants, times } = f;
  const entered = Math.max(c.accepted, finalSample.final + finalSample.pending);
  const forecast = forecastFor(o, entered);
  const atBurstEnd = samples.find((s) => s.t >= times.intakeEndT) ?? finalSample;
  const backlog = Math.max(0, atBurstEnd.accepted - atBurstEnd.final);
  const chargeable = Math.min(o.seats, o.buyers, finalSample.accepted);
  const paymentBacklog = Math.min(backlog, Math.max(0, chargeable - atBurstEnd.paid));
  const rates = intakeRates(o.orders, o.burstSeconds, c.accepted, times.intakeEndT, f.latency.p99);
  const work = measuredStageWork(samples, f.timeline);
  const stages: StageFigures[] = forecast.stages.map((s) => ({
    stage: s.stage,
    capacityPerSec: s.capacityPerSec,
    workload: s.workload,
    minBusySeconds: s.minBusySeconds,
    predictedFinishSeconds: s.finishSeconds,
    predictedPeakBacklog: s.peakBacklog,
    measuredPerSec: work[s.stage]?.perSec ?? null,
    peakLag: peakStageLag(samples, s.stage),
    busySeconds: work[s.stage]?.busySeconds ?? 0,
    firstDoneAt: work[s.stage]?.firstDoneAt ?? null,
    lastDoneAt: work[s.stage]?.lastDoneAt ?? null,
  }));
  const cpu = intakeCpu(f.topology, f.cpu, c.accepted);
  const ok = invariants.lost === 0 && invariants.oversold === 0 && invariants.doubleCharged === 0 && invariants.chargedWithoutSeat === 0;
  const summary: RunSummary = {
    mode: f.mode,
    topology: f.topology,
    processes: f.processes.map((p) => ({ ...p })),
    ordersSent: c.sent,
    burstSeconds: o.burstSeconds,
    offeredPerSec: rates.offeredPerSec,
    peakOfferedPerSec: forecastFor(o, o.orders).peakOfferedPerSec,
    acceptedPerSecDuringSpike: rates.acceptedPerSec,
    acceptedToOfferedRatio: rates.ratio,
    firstFinalAfterMs: f.timeline?.firstFinalAfterMs ?? null,
    accepted: c.accepted,
    refusedAtIntake: c.refused,
    confirmed: finalSample.confirmed,
    rejected: { ...f.rejectedByReason },
    lost: invariants.lost,
    oversold: invariants.oversold,
    doubleCharged: invariants.doubleCharged,
    chargedWithoutSeat: invariants.chargedWithoutSeat,
    confirmedWithoutReceipt: invariants.confirmedWithoutReceipt,
    intakeP50Ms: f.latency.p50,
    intakeP90Ms: f.latency.p90,
    intakeP99Ms: f.latency.p99,
    intakeMaxMs: f.latency.max,
    intakeServiceP50Ms: f.service.p50,
    intakeServiceP99Ms: f.service.p99,
    intakeErrors: c.intakeErrors,
    intakeTimeouts: c.timeouts,
    maxLag: samples.reduce((m, s) => Math.max(m, s.totalLag), 0),
    drainSeconds: times.drainedAtT === null ? null : round1(Math.max(0, times.drainedAtT - times.intakeEndT)),
    predictedDrainSeconds: round1(forecast.drainSeconds),
    finishedAfterSpikeSeconds: times.drainedAtT === null ? null : round1(Math.max(0, times.drainedAtT - o.burstSeconds)),
    bottleneckStage: forecast.bottleneck,
    downstreamCapacityPerSec: forecast.bottleneckCapacityPerSec,
    offeredToCapacityRatio: forecast.bottleneckCapacityPerSec ? round1(rates.offeredPerSec / forecast.bottleneckCapacityPerSec) : null,
    bottleneckPerSecDuringDrain: forecast.bottleneck ? (work[forecast.bottleneck]?.perSec ?? null) : null,
    stages,
    intakeCpuUsPerOrder: cpu.usPerOrder,
    intakeCpuProcess: cpu.process,
    intakeCpuIncludesEverything: cpu.process === ALL_IN_ONE_ROLE,
    intakeCpuSeconds: cpu.seconds,
    backlogAtBurstEnd: backlog,
    paymentBacklogAtBurstEnd: paymentBacklog,
    peakIntakePerSec: samples.reduce((m, s) => Math.max(m, s.intakeRate), 0),
    peakProcessedPerSec: samples.reduce((m, s) => Math.max(m, s.processedRate), 0),
    ordersOnBroker: invariants.ordersOnBroker,
    seats: o.seats,
    buyers: o.buyers,
    paymentCapacityPerSec: o.payment.capacityPerSec,
    durationSeconds: round1(finalSample.t),
    drained: times.drained,
    ok,
    invariantExamples: invariants.examples,
    peakShaving: 'no-peak',
    reading: '',
  };
  const reading = readRun(summary);
  summary.peakShaving = reading.verdict;
  summary.reading = reading.text;
  return { summary, forecast };
}

/** Role of the one process of the single topology. */
export const ALL_IN_ONE_ROLE = 'all';
/** Role of order-service's HTTP intake process in the processes topology. */
export const INTAKE_ROLE = 'order-service';

/**
 * offered = orders ÷ spike seconds; accepted = receipts ÷ the intake window, which runs from
 * the burst start to the last answer and is never shorter than the spike (answers that trail
 * the spike make intake slower than the crowd); ratio = accepted ÷ offered. With `p99Ms` (the
 * receipts' p99), the window ends at most that long after the spike: an order clicked last
 * is answered about then, and one straggler (the slowest 1 %) does not stand for the crowd.
 */
export function intakeRates(
  orders: number,
  burstSeconds: number,
  accepted: number,
  intakeEndT: number,
  p99Ms: number | null = null,
): { offeredPerSec: number; acceptedPerSec: number; ratio: number } {
  const offered = orders / burstSeconds;
  const end = p99Ms === null ? intakeEndT : Math.min(intakeEndT, burstSeconds + p99Ms / 1000);
  const acceptedPerSec = accepted / Math.max(burstSeconds, end);
  return { offeredPerSec: Math.round(offered), acceptedPerSec: Math.round(acceptedPerSec), ratio: offered > 0 ? round2(acceptedPerSec / offered) : 0 };
}

/**
 * CPU µs per accepted order of the intake process during the intake window: `order-service`,
 * or `all` in the single topology (the broker and every service share that process).
 */
export function intakeCpu(
  topology: Topology,
  cpu: IntakeCpu | null,
  accepted: number,
): { usPerOrder: number | null; process: string | null; seconds: Record<string, number> | null } {
  if (!cpu) return { usPerOrder: null, process: null, seconds: null };
  const seconds: Record<string, number> = {};
  for (const [role, after] of Object.entries(cpu.after)) seconds[role] = round2(Math.max(0, after - (cpu.before[role] ?? 0)));
  const role = topology === 'single' ? ALL_IN_ONE_ROLE : INTAKE_ROLE;
  const used = seconds[role];
  const usPerOrder = used === undefined || accepted === 0 ? null : Math.round((used * 1e6) / accepted);
  return { usPerOrder, process: used === undefined ? null : role, seconds };
}

/**
 * Each stage's pace while it had a backlog: course-validation and payment from the rows'
 * timestamps (arrivals: orders' created_at / validated_at; work: course checks' checked_at,
 * charges' completed_at); auth from the samples (arrivals: receipts; work: receipts − auth's
 * lag), as auth keeps no rows. Stages that cannot be measured are left out.
 */
export function measuredStageWork(samples: readonly Sample[], timeline: RunTimeline | null): Partial<Record<StageName, StageWork>> {
  const out: Partial<Record<StageName, StageWork>> = {};
  const fromSamples = (stage: StageName): StagePoint[] =>
    samples.flatMap((s) => {
      const done = s.stageDone?.[stage];
      return done === null || done === undefined ? [] : [{ t: s.t, arrived: s.accepted, done }];
    });
  const auth = fromSamples('auth');
  if (auth.length > 1) out.auth = workWhileBacklogged(auth);
  if (timeline) {
    out['course-validation'] = workWhileBacklogged(pointsFromBuckets(timeline.accepted, timeline.courseChecked, timeline.bucketSeconds));
    out.payment = workWhileBacklogged(pointsFromBuckets(timeline.validated, timeline.charged, timeline.bucketSeconds));
  }
  for (const st of STAGES) if (out[st] && out[st]!.items === 0 && out[st]!.firstDoneAt === null) delete out[st];
  return out;
}

/** Most messages the stage's group had waiting on its input topic in any sample (null when no sample had lag for it). */
export function peakStageLag(samples: readonly Sample[], stage: StageName): number | null {
  let peak: number | null = null;
  for (const s of samples) {
    let sum = 0;
    let seen = false;
    for (const e of s.lag) {
      if (e.group !== STAGE_GROUP[stage] || e.topic !== STAGE_INPUT_TOPIC[stage]) continue;
      sum += e.lag;
      seen = true;
    }
    if (seen) peak = Math.max(peak ?? 0, sum);
  }
  return peak;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
