import type { PaymentSettings, RunMode } from '../options';

/**
 * Where the parts run: `processes` (default) starts the broker, each service and the load
 * generator as separate OS processes talking over the Kafka wire protocol and HTTP, as in
 * production and docker-compose; `single` runs every service and the broker in one process.
 */
export const TOPOLOGIES = ['processes', 'single'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

/** Capacity of each downstream stage, in orders (or charges) per second; 0 = unlimited. */
export interface StageCapacities {
  /** auth's login-info check. */
  authPerSec: number;
  /** course-validation's course check (and seat hold). */
  coursePerSec: number;
  /** payment: both gateways together (split evenly between Alipay and WeChat Pay). */
  paymentPerSec: number;
}

/** What the simulation asks of "the stack" (broker, PostgreSQL, services) for one run. */
export interface StackSettings {
  mode: RunMode;
  topology: Topology;
  capacities: StageCapacities;
  seats: number;
  buyers: number;
  payment: PaymentSettings;
  partitions: number;
  consumersPerService: number;
  /** Seats of the warm-up course (one per warm-up order); 0: none seeded. */
  warmUpSeats: number;
  /** Direct mode: server-side timeout of one request's call chain. */
  directTimeoutMs: number;
  /** When set, every process of the stack writes a V8 CPU profile (node --cpu-prof) here. */
  cpuProfDir?: string;
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
  /** Successful charges whose order is neither PAID nor CONFIRMED (money taken, no seat). An invariant: non-zero fails the run. */
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
  /** Final (CONFIRMED or REJECTED) orders of one course: how far the warm-up has got. */
  finalOrdersOf?(courseId: string): Promise<number>;
  /** Leaves every order of `courseId` (the warm-up) out of the counts, the timeline and the audit. */
  excludeOrdersOf?(courseId: string): Promise<number>;
  /** Checks the invariants; `receiptIds` are the order ids the buyers got back over HTTP. */
  invariants(receiptIds: readonly string[]): Promise<InvariantReport>;
}

/** A running stack ready for a burst. */
export interface RunningStack {
  topology: Topology;
  /**
   * CPU seconds (user + system) used so far by each OS process of the stack, by role name
   * (`order-service`, `order-aggregator`, `auth`, `course-validation`, `payment`, `broker`,
   * `postgres`; `all` in the single topology). Differences between two calls give the CPU a
   * phase used.
   */
  processCpuSeconds(): Promise<Record<string, number>>;
  /** The OS processes of the stack and their scheduling niceness (what the report shows). */
  processes: ReadonlyArray<{ role: string; pid: number; nice: number }>;
  /** Base URL of order-service, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  /** The flash-sale course seeded for this run. */
  courseId: string;
  /** A course with a seat for every warm-up order (the shop's ordinary business before the sale); none: no warm-up. */
  warmUpCourseId?: string;
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
