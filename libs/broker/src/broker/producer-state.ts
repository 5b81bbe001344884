import { ErrorCode } from '@peak/protocol';

/** How many recent batches per producer are remembered for duplicate detection (Kafka: 5). */
const REMEMBERED_BATCHES = 5;

interface RememberedBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  lastSeq: number;
  recent: RememberedBatch[];
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; errorCode: number };

/**
 * Idempotent-producer bookkeeping of one partition: the last sequence per producer id and
 * the offsets of its last few batches, so a retried batch is answered with its original
 * offsets instead of being written twice.
 */
export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();

  /** Decides what to do with a batch from `producerId` before it is appended. */
  check(producerId: number, epoch: number, firstSeq: number, recordCount: number): SequenceCheck {
    const entry = this.producers.get(producerId);
    if (!entry || epoch > entry.epoch) return { kind: 'append' };
    if (epoch < entry.epoch) return { kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    const lastSeq = lastSequenceOf(firstSeq, recordCount);
    for (const b of entry.recent) {
      if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return { kind: 'duplicate', baseOffset: b.baseOffset };
    }
    if (firstSeq !== nextSequence(entry.lastSeq)) return { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    return { kind: 'append' };
  }

  /** Records an appended batch. */
  update(producerId: number, epoch: number, firstSeq: number, recordCount: number, baseOffset: number): void {
    let entry = this.producers.get(producerId);
    if (!entry || epoch > entry.epoch) {
      entry = { epoch, lastSeq: -1, recent: [] };
      this.producers.set(producerId, entry);
    }
    const lastSeq = lastSequenceOf(firstSeq, recordCount);
    entry.lastSeq = lastSeq;
    entry.recent.push({ firstSeq, lastSeq, baseOffset });
    if (entry.recent.length > REMEMBERED_BATCHES) entry.recent.shift();
  }
}

/** Sequences wrap from int32 max to 0, as in Kafka. */
function nextSequence(seq: number): number {
  return seq === 0x7fffffff ? 0 : seq + 1;
}

function lastSequenceOf(firstSeq: number, recordCount: number): number {
  return (firstSeq + recordCount - 1) % 0x80000000;
}
