/** One partition whose consumer is waiting out a transient failure (database unavailable, …). */
export interface RetryingPartition {
  group: string;
  topic: string;
  partition: number;
  /** When the partition started failing transiently (epoch ms). */
  sinceMs: number;
  /** Transient retries of its messages since then. */
  retries: number;
  /** Classification reason of the last failure, e.g. `postgres 57P01` or `ECONNREFUSED`. */
  reason: string;
  /** Message of the last failure (truncated). */
  lastError: string;
}

/** Transient retries counted per consumer group since start. */
export interface GroupRetryCount {
  group: string;
  retries: number;
}

const MAX_ERROR_CHARS = 300;
const KEY_SEPARATOR = '\u0000';

interface Entry extends RetryingPartition {
  /** Batches (of this process's members) holding the partition in the retrying state. */
  holders: number;
}

/**
 * Which consumer groups/partitions of this process are retrying transiently, and since when:
 * the degraded state read by /health and /metrics. The consumer transport writes it
 * (PeakKafkaServer: `enter` when a partition starts failing transiently, `retried` per retry,
 * `leave` when it recovers or is given up); readers take snapshots. Single event loop; every
 * method is O(1) except the snapshots.
 */
export class ConsumerHealth {
  private readonly partitions = new Map<string, Entry>();
  private readonly retriesByGroup = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A partition started failing transiently (its consumer paused it). */
  enter(group: string, topic: string, partition: number, reason: string, error: unknown): void {
    const key = partitionKey(group, topic, partition);
    const entry = this.partitions.get(key);
    if (entry) {
      entry.holders += 1;
      this.note(entry, reason, error);
      return;
    }
    this.partitions.set(key, { group, topic, partition, sinceMs: this.now(), retries: 0, reason, lastError: errorText(error), holders: 1 });
  }

  /** One message of a retrying partition is tried again after a transient failure. */
  retried(group: string, topic: string, partition: number, reason: string, error: unknown): void {
    this.retriesByGroup.set(group, (this.retriesByGroup.get(group) ?? 0) + 1);
    const entry = this.partitions.get(partitionKey(group, topic, partition));
    if (!entry) return;
    entry.retries += 1;
    this.note(entry, reason, error);
  }

  /** The partition works again (or its batch was given up: rebalance, shutdown). */
  leave(group: string, topic: string, partition: number): void {
    const key = partitionKey(group, topic, partition);
    const entry = this.partitions.get(key);
    if (!entry) return;
    entry.holders -= 1;
    if (entry.holders <= 0) this.partitions.delete(key);
  }

  /** Partitions retrying now, longest-failing first. */
  retrying(): RetryingPartition[] {
    return [...this.partitions.values()]
      .map(({ holders: _holders, ...p }) => p)
      .sort((a, b) => a.sinceMs - b.sinceMs);
  }

  /** Partitions that have been retrying for at least `minDurationMs`. */
  degradedFor(minDurationMs: number): RetryingPartition[] {
    const cutoff = this.now() - minDurationMs;
    return this.retrying().filter((p) => p.sinceMs <= cutoff);
  }

  /** Transient retries per group since start (a monotonic counter). */
  transientRetries(): GroupRetryCount[] {
    return [...this.retriesByGroup].map(([group, retries]) => ({ group, retries }));
  }

  private note(entry: Entry, reason: string, error: unknown): void {
    entry.reason = reason;
    entry.lastError = errorText(error);
  }
}

function partitionKey(group: string, topic: string, partition: number): string {
  return `${group}${KEY_SEPARATOR}${topic}${KEY_SEPARATOR}${partition}`;
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_CHARS);
}
