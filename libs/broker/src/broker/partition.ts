import { PartitionLog } from '../storage/storage.interface';
import { ProducerStateManager } from './producer-state';

/**
 * One topic-partition on this broker: its log, its idempotent-producer state, and the
 * long-poll fetches waiting for it to grow.
 */
export class Partition {
  /** Rebuilt from the log's snapshot and tail when the partition opens. */
  readonly producers: ProducerStateManager;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly topic: string,
    readonly id: number,
    readonly log: PartitionLog,
  ) {
    this.producers = ProducerStateManager.rebuild(log);
    // Fetches wait for the durable end, so a completed sync wakes them as an append does.
    log.watchDurable(() => this.notifyChange());
  }

  /** Calls `listener` after every append, when the durable end moves, and when the partition goes away; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notifyChange(): void {
    for (const listener of this.listeners) listener();
  }

  /** Keeps the producer state with the log (clean shutdown), so the next start replays nothing. */
  snapshotProducers(): void {
    if (this.producers.size() === 0 || this.log.isOffline()) return;
    try {
      this.log.saveSnapshot({ offset: this.log.logEndOffset(), data: this.producers.snapshot() });
    } catch {
      // A snapshot only saves replay time: without it the next start replays the log.
    }
  }

  get waiterCount(): number {
    return this.listeners.size;
  }
}
