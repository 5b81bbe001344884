import type { RunMode } from '../options';
import type { LagEntry } from '../stack/stack.types';
import type { DrainForecast, StageName } from './drain-model';

/** One point of the live view, the dashboard and the report. Cumulative counts unless noted. */
export interface Sample {
  mode: RunMode;
  /** Seconds since the burst started. */
  t: number;
  /** Load generator: orders clicked, answered with a receipt, refused (4xx), failed (5xx/timeout/connection). */
  sent: number;
  accepted: number;
  refused: number;
  intakeErrors: number;
  /** PostgreSQL: orders final (confirmed + rejected), confirmed, rejected by reason, successful charges. */
  final: number;
  confirmed: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  paid: number;
  /** Order rows in PostgreSQL not yet final. */
  pending: number;
  /** Per second, over the last RATE_WINDOW_MS. */
  offeredRate: number;
  intakeRate: number;
  processedRate: number;
  /** Intake latency (click → answer) of the requests answered since the previous sample, ms. */
  latencyP50: number | null;
  latencyP90: number | null;
  latencyP99: number | null;
  /** Server time (request sent → answer, without waiting for a free connection) of the same requests, ms. */
  serviceP50: number | null;
  serviceP99: number | null;
  /**
   * Items each downstream stage has finished (cumulative; null where not measured): auth =
   * accepted − auth's lag; course-validation = course checks recorded; payment = charges
   * finished at a gateway, any status.
   */
  stageDone: Record<StageName, number | null>;
  /** The same per second, over the last RATE_WINDOW_MS. */
  stageRate: Record<StageName, number | null>;
  /** Broker: lag per group and partition, and its sums. */
  lag: LagEntry[];
  lagByGroup: Record<string, number>;
  totalLag: number;
}

/** What a run is about to do: its numbers and the model's forecast (sent before the burst). */
export interface RunPlan {
  topology: string;
  orders: number;
  burstSeconds: number;
  forecast: DrainForecast;
  /** The forecast explained with the run's numbers. */
  explanation: string;
  /** The plan in a few lines (as printed before the burst). */
  lines?: string[];
}

/** Events pushed to the dashboard over Server-Sent Events. */
export type DashboardEvent =
  | { type: 'run-start'; mode: RunMode; title: string; settings: Record<string, string | number>; plan?: RunPlan }
  | { type: 'sample'; sample: Sample }
  | {
      type: 'run-end';
      mode: RunMode;
      summary: Record<string, unknown>;
      /** The forecast for the orders that actually arrived, and its explanation. */
      forecast?: DrainForecast;
      explanation?: string;
    }
  | { type: 'comparison'; rows: string[][]; reading: string }
  | { type: 'phase'; text: string };
