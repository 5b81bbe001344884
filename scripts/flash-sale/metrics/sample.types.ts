import type { RunMode } from '../options';
import type { LagEntry } from '../stack/stack.types';

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
  /** Broker: lag per group and partition, and its sums. */
  lag: LagEntry[];
  lagByGroup: Record<string, number>;
  totalLag: number;
}

/** Events pushed to the dashboard over Server-Sent Events. */
export type DashboardEvent =
  | { type: 'run-start'; mode: RunMode; title: string; settings: Record<string, string | number> }
  | { type: 'sample'; sample: Sample }
  | { type: 'run-end'; mode: RunMode; summary: Record<string, unknown> }
  | { type: 'phase'; text: string };
