import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '@peak/protocol';
import { OffsetManager } from './offset-manager';

/** consumer.seek's special offsets: '-1' latest, '-2' earliest (kafkajs). */
const SPECIAL_SEEK_OFFSETS: Record<string, number> = { '-1': LATEST_TIMESTAMP, '-2': EARLIEST_TIMESTAMP };

/**
 * Seeks asked for while the consumer runs, applied by the runner before its next fetch
 * (the last seek per partition wins; partitions no longer assigned are skipped).
 */
export class PendingSeeks {
  private readonly seeks = new Map<string, { topic: string; partition: number; offset: string }>();

  get size(): number {
    return this.seeks.size;
  }

  add(topic: string, partition: number, offset: string): void {
    this.seeks.set(`${topic}|${partition}`, { topic, partition, offset });
  }

  has(topic: string, partition: number): boolean {
    return this.seeks.size > 0 && this.seeks.has(`${topic}|${partition}`);
  }

  /** Moves the positions (and, with autoCommit, commits them: see OffsetManager.seek). */
  async apply(offsets: OffsetManager): Promise<void> {
    const seeks = [...this.seeks.values()];
    this.seeks.clear();
    for (const { topic, partition, offset } of seeks) {
      if (!offsets.isAssigned(topic, partition)) continue;
      const special = SPECIAL_SEEK_OFFSETS[offset];
      if (special !== undefined) {
        await offsets.moveToListedOffsets([{ topic, partitions: [{ partition, timestamp: special }] }]);
        await offsets.seek(topic, partition, offsets.position(topic, partition));
      } else {
        await offsets.seek(topic, partition, Number(offset));
      }
    }
  }
}
