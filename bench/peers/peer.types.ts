/**
 * What every system in bench:peers implements. One `PeerCase` is one system with one client
 * and one durability setting (a row of the table); `open()` creates its stream, queue or topic
 * and returns a session that runs the three measurements on it and deletes it on `close()`.
 */

/**
 * When an acknowledged message is on disk:
 * - `fsync`: fsync (or fdatasync) before the acknowledgement, one per write or one per group;
 * - `fsync-1s`: written to the OS at once, fsync about once a second;
 * - `none`: written to the OS (or kept in memory); fsync only at the OS's or a long interval's will.
 */
export type Durability = 'fsync' | 'fsync-1s' | 'none';

export const DURABILITY_LABEL: Readonly<Record<Durability, string>> = {
  fsync: 'fsync before ack',
  'fsync-1s': 'fsync once a second',
  none: 'no fsync before ack',
};

export interface Workload {
  /** Bytes per message value. */
  messageBytes: number;
  /** Concurrent producers, each with its own connection (or client) where the system has one. */
  producers: number;
  /** How long each produce measurement runs before the producers stop sending. */
  produceSeconds: number;
  /** Messages each producer keeps unacknowledged at once. */
  inFlight: number;
  /** Messages per batch, pipeline or request where the client batches. */
  batch: number;
  /** Latency: messages sent one at a time at `latencyRate` per second while a consumer reads. */
  latencyMessages: number;
  latencyRate: number;
}

export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
}

export interface PeerSession {
  /** Produces for `produceSeconds`; resolves with acknowledged messages per second and the count. */
  produce(w: Workload): Promise<{ msgsPerSec: number; messages: number }>;
  /** Reads the `messages` produced from the beginning; messages per second from the first to the last. */
  consume(messages: number, w: Workload): Promise<number>;
  /** Produce→consume latency at a fixed rate, or null when the case does not measure it. */
  latency(w: Workload): Promise<LatencyFigures | null>;
  /** Deletes what open() created and closes connections. */
  close(): Promise<void>;
}

export interface PeerCase {
  /** Stable id used in the JSON line, e.g. `redis-always`. */
  id: string;
  system: string;
  client: string;
  durability: Durability;
  /** The setting that gives this durability, as a reader would set it. */
  setting: string;
  /** True for our broker's rows (the numerators of the ratios). */
  ours?: 'in-process' | 'tcp' | 'tcp-native';
  /** Null when the system can be reached; otherwise why this case is skipped. */
  unavailable(): Promise<string | null>;
  open(): Promise<PeerSession>;
}
