import type { RunMode } from '../options';
import type { Sample } from '../metrics/sample.types';

/** The figures of one run, as written to report.json (and printed as the summary table). */
export interface RunSummary {
  mode: RunMode;
  ordersSent: number;
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
  /** Little's law: backlog at the end of the burst / capacity of the bottleneck (payment). */
  predictedDrainSeconds: number;
  /** Orders accepted but not yet final when intake ended. */
  backlogAtBurstEnd: number;
  /** Of the backlog, the orders still to be charged (bounded by seats): the bottleneck's work. */
  paymentBacklogAtBurstEnd: number;
  peakIntakePerSec: number;
  peakProcessedPerSec: number;
  /** Orders the broker holds in the intake topic (0 in direct mode). */
  ordersOnBroker: number;
  seats: number;
  paymentCapacityPerSec: number;
  /** Wall-clock seconds of the run, burst start to last order final (or give-up). */
  durationSeconds: number;
  /** True when every accepted order became final before the drain timeout. */
  drained: boolean;
  /** True when lost, oversold and doubleCharged are all 0. */
  ok: boolean;
  /** Order ids behind a failed invariant, for investigation. */
  invariantExamples: string[];
}

/** One run with its samples, for the HTML report. */
export interface RunRecord {
  mode: RunMode;
  title: string;
  settings: Record<string, string | number>;
  summary: RunSummary;
  samples: Sample[];
}

/** report.json: the first run's figures at top level, every run under `runs`. */
export type ReportJson = Partial<RunSummary> & {
  generatedAt: string;
  compare: boolean;
  ok: boolean;
  runs: RunSummary[];
};
