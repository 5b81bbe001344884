import type { PaymentSettings, RunMode } from '../options';

/** What the simulation asks of "the stack" (broker, PostgreSQL, services) for one run. */
export interface StackSettings {
  mode: RunMode;
  seats: number;
  buyers: number;
  payment: PaymentSettings;
  partitions: number;
  consumersPerService: number;
  /** Direct mode: server-side timeout of one request's call chain. */
  directTimeoutMs: number;
}

/** Committed-offset lag of one consumer group on one partition. */
export interface LagEntry {
  group: string;
  topic: string;
  partition: number;
  /** High watermark − committed offset (nothing committed counts from the log start). */
  lag: number;
}

/** Order counts read from PostgreSQL. */
export interface OrderCounts {
  /** Order rows present. */
  total: number;
  confirmed: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** Successful charges recorded by payment. */
  paid: number;
}

/** Invariants checked at the end of a run, from PostgreSQL and the broker. */
export interface InvariantReport {
  /** Orders known to be accepted (HTTP receipts ∪ order events on the broker) with no final state. */
  lost: number;
  /** Orders whose id is on the broker / in a receipt, but with no row at all. */
  missing: number;
  /** Confirmed orders beyond the course's seats, plus any negative seats-left. */
  oversold: number;
  /** Orders charged successfully more than once. */
  doubleCharged: number;
  /** Successful charges whose order is neither PAID nor CONFIRMED (money taken, no seat). Reported, not an exit-code invariant. */
  chargedWithoutSeat: number;
  /** Orders CONFIRMED (seat sold, buyer charged) whose buyer got an error or timeout instead of a receipt. */
  confirmedWithoutReceipt: number;
  /** Orders the broker holds in the intake topic (0 in direct mode). */
  ordersOnBroker: number;
  /** Example order ids behind a non-zero figure, to look into. */
  examples: string[];
}

/** Read-only probe of a running stack, for the sampler and the final checks. */
export interface StackProbe {
  orderCounts(): Promise<OrderCounts>;
  /** Lag per group and partition; empty in direct mode. */
  consumerLag(): Promise<LagEntry[]>;
  /** Checks the invariants; `receiptIds` are the order ids the buyers got back over HTTP. */
  invariants(receiptIds: readonly string[]): Promise<InvariantReport>;
}

/** A running stack ready for a burst. */
export interface RunningStack {
  /** Base URL of order-service, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  /** The flash-sale course seeded for this run. */
  courseId: string;
  /** Bearer tokens of the buyers, obtained through POST /auth/login. */
  tokens: string[];
  probe: StackProbe;
  /** Stops the services, the broker and (if embedded) PostgreSQL; removes temporary data. */
  stop(): Promise<void>;
}

/** Boots a stack. One implementation boots the real services; tests may supply another. */
export interface StackLauncher {
  start(settings: StackSettings, log: (line: string) => void): Promise<RunningStack>;
  /** Releases what outlives a run (e.g. the embedded PostgreSQL). Called once at the end. */
  close?(): Promise<void>;
}
