import type { RetryPolicy } from '../config/messaging.config';
import type { ConsumerHealth } from '../health/consumer-health';
import type { FailureVerdict } from './failure-classifier';
import { transientBackoffMs } from './retry-backoff';

export interface PartitionRetryOptions {
  group: string;
  topic: string;
  partition: number;
  policy: RetryPolicy;
  health: ConsumerHealth;
  /** Stops fetching the partition (consumer.pause); may throw, errors are reported to `onError`. */
  pause: () => void;
  /** Fetches the partition again (consumer.resume). */
  resume: () => void;
  onError?: (what: string, err: unknown) => void;
  random?: () => number;
}

interface Turn {
  promise: Promise<boolean>;
  resolve: (go: boolean) => void;
  timer: NodeJS.Timeout;
}

/**
 * The retry state of one partition's batch while it is being handled.
 *
 * Messages that fail transiently wait for a shared turn: the first failure after a turn starts
 * the next one (backoff doubling per round, capped, jittered), later failures join it, so the
 * retries of a whole batch reach the database together (one coalesced statement) instead of
 * each on its own clock. While at least one message is failing transiently the partition is
 * paused on the consumer and reported in ConsumerHealth; when the last one recovers it is
 * resumed and the backoff starts over. `abandon()` (consumer stopping, partition revoked) ends
 * every wait at once with `false`: the caller then leaves its message unfinished, so its offset
 * is not committed and the message is delivered again to whoever owns the partition next.
 *
 * Single event loop; not shared between batches.
 */
export class PartitionRetry {
  private failing = 0;
  private round = 0;
  private turn: Turn | null = null;
  private readonly sleepers = new Set<{ resolve: (go: boolean) => void; timer: NodeJS.Timeout }>();
  private gaveUp = false;

  constructor(private readonly options: PartitionRetryOptions) {}

  /** True once abandon() was called: no message of the batch may be retried or dead-lettered. */
  get abandoned(): boolean {
    return this.gaveUp;
  }

  /** Messages currently failing transiently. */
  get failingMessages(): number {
    return this.failing;
  }

  /** A message starts failing transiently (call once per message, then `leave` once). */
  enter(verdict: FailureVerdict, err: unknown): void {
    this.failing += 1;
    if (this.failing > 1) return;
    const { group, topic, partition, health } = this.options;
    this.guard('pause', this.options.pause);
    health.enter(group, topic, partition, verdict.reason, err);
  }

  /** A transiently failing message is about to be tried again. */
  retried(verdict: FailureVerdict, err: unknown): void {
    const { group, topic, partition, health } = this.options;
    health.retried(group, topic, partition, verdict.reason, err);
  }

  /** A message that was failing transiently is done (handled, dead-lettered or given up). */
  leave(): void {
    if (this.failing === 0) return;
    this.failing -= 1;
    if (this.failing > 0) return;
    this.round = 0;
    const { group, topic, partition, health } = this.options;
    health.leave(group, topic, partition);
    this.guard('resume', this.options.resume);
  }

  /** Waits for the batch's next retry turn; `false` if the batch was abandoned meanwhile. */
  nextTurn(): Promise<boolean> {
    if (this.gaveUp) return Promise.resolve(false);
    if (!this.turn) {
      this.round += 1;
      let resolve!: (go: boolean) => void;
      const promise = new Promise<boolean>((r) => (resolve = r));
      const timer = setTimeout(() => {
        this.turn = null;
        resolve(true);
      }, transientBackoffMs(this.options.policy, this.round, this.options.random));
      this.turn = { promise, resolve, timer };
    }
    return this.turn.promise;
  }

  /** Waits `ms` (a permanent failure's backoff); `false` if the batch was abandoned meanwhile. */
  sleep(ms: number): Promise<boolean> {
    if (this.gaveUp) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const sleeper = {
        resolve,
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve(true);
        }, ms),
      };
      this.sleepers.add(sleeper);
    });
  }

  /** Ends every wait with `false` and refuses further ones. Idempotent. */
  abandon(): void {
    if (this.gaveUp) return;
    this.gaveUp = true;
    if (this.turn) {
      clearTimeout(this.turn.timer);
      this.turn.resolve(false);
      this.turn = null;
    }
    for (const s of this.sleepers) {
      clearTimeout(s.timer);
      s.resolve(false);
    }
    this.sleepers.clear();
  }

  private guard(what: string, action: () => void): void {
    try {
      action();
    } catch (err) {
      this.options.onError?.(what, err);
    }
  }
}
