const MAX_SEQUENCE = 0x7fffffff;

/**
 * Per-partition sequence numbers of an idempotent producer. A send reserves its range
 * when it encodes a batch, so a retry re-sends the same bytes with the same sequence and
 * the broker can drop the duplicate. Sequences wrap at 2^31-1 as in Kafka.
 */
export class SequenceTracker {
  private readonly next = new Map<string, number[]>();

  /** Returns the base sequence for `count` records and advances past them. */
  reserve(topic: string, partition: number, count: number): number {
    let byPartition = this.next.get(topic);
    if (!byPartition) {
      byPartition = [];
      this.next.set(topic, byPartition);
    }
    const base = byPartition[partition] ?? 0;
    const after = base + count;
    byPartition[partition] = after > MAX_SEQUENCE ? after - MAX_SEQUENCE - 1 : after;
    return base;
  }

  /** Forgets every sequence (after a new producer id). */
  reset(): void {
    this.next.clear();
  }
}
