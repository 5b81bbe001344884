import type { RunMode } from '../options';
import type { DrainForecast, StageName } from '../metrics/drain-model';
import type { Sample } from '../metrics/sample.types';
import type { Topology } from '../stack/stack.types';

/** One OS process of the stack. */
export interface ProcessInfo {
  role: string;
  pid: number;
  /** Scheduling niceness (higher = yields the CPU to the others). */
  nice: number;
}

/** What one downstream stage was asked to do, what the model predicted and what it did. */
export interface StageFigures {
  stage: StageName;
  /** null = unlimited. */
  capacityPerSec: number | null;
  /** Items the model expects it to work through (every order for the checks; min(seats, buyers, orders) charges). */
  workload: number;
  /** workload ÷ capacity. */
  minBusySeconds: number;
  /** Predicted seconds since the burst started when it has done its workload. */
  predictedFinishSeconds: number;
  /** Most items the model expects waiting for it at once. */
  predictedPeakBacklog: number;
  /** Items it finished per second while it had a backlog (null: not measured, or never backlogged). */
  measuredPerSec: number | null;
  /** Most messages its consumer group had waiting on its input topic, in any sample (null: no broker). */
  peakLag: number | null;
  /** Seconds it had a backlog (and had started), over which measuredPerSec is taken. */
  busySeconds: number;
  /** Seconds since the burst started of its first and last finished item. */
  firstDoneAt: number | null;
  lastDoneAt: number | null;
}

/** The figures of one run, as written to report.json (and printed as the summary table). */
export interface RunSummary {
  mode: RunMode;
  /** Where the parts ran (processes: one OS process each; single: one process). */
  topology: Topology;
  /** The stack's OS processes and their niceness. */
  processes: ProcessInfo[];
  ordersSent: number;
  /** Length of the spike (the burst), seconds. */
  burstSeconds: number;
  /** Orders offered per second during the spike: orders ÷ spike seconds. */
  offeredPerSec: number;
  /** Offered orders per second in the busiest second of the spike (from its shape). */
  peakOfferedPerSec: number;
  /** Accepted orders ÷ the intake window (spike start → last answer, at least the spike's length). */
  acceptedPerSecDuringSpike: number;
  /** acceptedPerSecDuringSpike ÷ offeredPerSec: 1 when intake kept pace with the crowd. */
  acceptedToOfferedRatio: number;
  /** First accepted order → first order final (CONFIRMED or REJECTED), from the order rows' timestamps. */
  firstFinalAfterMs: number | null;
  /** Orders answered with a receipt (2xx with an orderId). */
  accepted: number;
  /** Orders refused at intake with a 4xx (direct mode answers business rejections this way). */
  refusedAtIntake: number;
  confirmed: number;
  /** Final REJECTED orders in PostgreSQL, by reason. */
  rejected: Record<string, number>;
  /** Accepted (receipt or on the broker) but never final. */
  lost: number;
  oversold: number;
  doubleCharged: number;
  /** Successful charges whose order ended neither PAID nor CONFIRMED (reported only). */
  chargedWithoutSeat: number;
  /** Confirmed (and charged) orders whose buyer saw an error or timeout instead of a receipt. */
  confirmedWithoutReceipt: number;
  intakeP50Ms: number | null;
  intakeP90Ms: number | null;
  intakeP99Ms: number | null;
  intakeMaxMs: number | null;
  /** Request sent → answer (without the wait for a free client connection). */
  intakeServiceP50Ms: number | null;
  intakeServiceP99Ms: number | null;
  /** 5xx/429 answers, timeouts and connection errors. */
  intakeErrors: number;
  intakeTimeouts: number;
  maxLag: number;
  /** Seconds from the end of intake (last answer) until every accepted order was final. */
  drainSeconds: number | null;
  /**
   * Seconds from the end of the spike until the last order is final, predicted by the
   * queueing model (metrics/drain-model.ts): each stage works off its own backlog at its
   * capacity; ≈ the bottleneck's workload ÷ its capacity − the spike's length.
   */
  predictedDrainSeconds: number;
  /** Measured counterpart of predictedDrainSeconds: spike end → every order final (null: did not drain). */
  finishedAfterSpikeSeconds: number | null;
  /** The stage with the most work per unit of capacity: it sets the drain time. */
  bottleneckStage: StageName | null;
  /** The bottleneck stage's capacity per second (null: every stage unlimited). */
  downstreamCapacityPerSec: number | null;
  /** offeredPerSec ÷ downstreamCapacityPerSec: how far the spike exceeds what the downstream can do. */
  offeredToCapacityRatio: number | null;
  /** The bottleneck's own work per second while it had a backlog (e.g. charges attempted, any status). */
  bottleneckPerSecDuringDrain: number | null;
  /** Every downstream stage: capacity, predicted work and finish, measured pace. */
  stages: StageFigures[];
  /**
   * CPU microseconds the intake process used per accepted order during the intake window
   * (burst start → last answer): `order-service` in the processes topology; in the single
   * topology the one process `all`, which includes the broker and every service.
   */
  intakeCpuUsPerOrder: number | null;
  /** The process intakeCpuUsPerOrder is taken from (`order-service` or `all`). */
  intakeCpuProcess: string | null;
  /** True when that process also ran the broker and the downstream (single topology). */
  intakeCpuIncludesEverything: boolean;
  /** CPU seconds of each process during the intake window. */
  intakeCpuSeconds: Record<string, number> | null;
  /** Orders accepted but not yet final when intake ended. */
  backlogAtBurstEnd: number;
  /** Of the backlog, the orders still to be charged (bounded by seats): the bottleneck's work. */
  paymentBacklogAtBurstEnd: number;
  peakIntakePerSec: number;
  peakProcessedPerSec: number;
  /** Orders the broker holds in the intake topic (0 in direct mode). */
  ordersOnBroker: number;
  seats: number;
  buyers: number;
  paymentCapacityPerSec: number;
  /** Wall-clock seconds of the run, burst start to last order final (or give-up). */
  durationSeconds: number;
  /** True when every accepted order became final before the drain timeout. */
  drained: boolean;
  /** True when lost, oversold, doubleCharged and chargedWithoutSeat are all 0. */
  ok: boolean;
  /** Order ids behind a failed invariant, for investigation. */
  invariantExamples: string[];
  /** Did the run show peak shaving: shown, not-shown, no-peak (the downstream was never outrun) or direct (no message engine). */
  peakShaving: 'shown' | 'not-shown' | 'no-peak' | 'direct';
  /** The run in plain words, built from the figures above (report/run-reading.ts). */
  reading: string;
}

/** One run with its samples, for the HTML report. */
export interface RunRecord {
  mode: RunMode;
  title: string;
  settings: Record<string, string | number>;
  summary: RunSummary;
  samples: Sample[];
  /** The model's forecast for the orders that arrived (drawn over the measured curves). */
  forecast: DrainForecast;
}

/** report.json: the first run's figures at top level, every run under `runs`. */
export type ReportJson = Partial<RunSummary> & {
  generatedAt: string;
  compare: boolean;
  ok: boolean;
  runs: RunSummary[];
};
