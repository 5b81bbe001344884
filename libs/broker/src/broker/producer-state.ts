import { ErrorCode } from '@peak/protocol';
import { PartitionLog, StoredBatchInfo } from '../storage/storage.interface';

/** How many recent batches per producer are remembered for duplicate detection (Kafka: 5). */
const REMEMBERED_BATCHES = 5;
const SNAPSHOT_VERSION = 1;

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

interface SnapshotFile {
  version: typeof SNAPSHOT_VERSION;
  producers: Array<[producerId: number, entry: ProducerEntry]>;
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; errorCode: number };

/**
 * Idempotent-producer bookkeeping of one partition (Kafka's ProducerStateManager): per
 * producer id the epoch, the last sequence and the offsets of its last few batches, so a
 * retried batch is answered with its original offsets instead of being written twice.
 * Rebuilt at start from the log's snapshot plus the batches after it (rebuild()), so a
 * retry across a restart is still recognised; snapshot() is taken at clean shutdown.
 *
 * Sequence rules, as Kafka applies them: a producer with no state here (never wrote to this
 * partition, or its batches are gone) is accepted at any sequence; a new epoch must start at
 * sequence 0; within an epoch the sequence must follow the last one; an older epoch is fenced.
 */
export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();

  /** The state of `log`'s producers: its snapshot, then every batch the snapshot does not cover. */
  static rebuild(log: PartitionLog): ProducerStateManager {
    const state = new ProducerStateManager();
    let from = log.logStartOffset();
    const snapshot = log.loadSnapshot();
    if (snapshot && snapshot.offset >= from && state.restore(snapshot.data)) from = snapshot.offset;
    log.scanBatches(from, (batch) => state.replay(batch));
    return state;
  }

  /** Decides what to do with a batch from `producerId` before it is appended. */
  check(producerId: number, epoch: number, firstSeq: number, recordCount: number): SequenceCheck {
    const entry = this.producers.get(producerId);
    if (!entry) return { kind: 'append' };
    if (epoch < entry.epoch) return { kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    if (epoch > entry.epoch) return firstSeq === 0 ? { kind: 'append' } : { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
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

  /** Number of producers with state here. */
  size(): number {
    return this.producers.size;
  }

  /** The state as snapshot bytes (restored by rebuild()). */
  snapshot(): Buffer {
    const file: SnapshotFile = { version: SNAPSHOT_VERSION, producers: [...this.producers] };
    return Buffer.from(JSON.stringify(file));
  }

  private replay(batch: StoredBatchInfo): void {
    if (batch.producerId < 0) return;
    this.update(batch.producerId, batch.producerEpoch, batch.baseSequence, batch.lastOffset - batch.baseOffset + 1, batch.baseOffset);
  }

  /** Loads snapshot bytes; false (state left empty) when they cannot be read, so the caller replays the whole log. */
  private restore(data: Buffer): boolean {
    try {
      const file = JSON.parse(data.toString('utf8')) as SnapshotFile;
      if (file.version !== SNAPSHOT_VERSION || !Array.isArray(file.producers)) return false;
      for (const [id, entry] of file.producers) this.producers.set(id, entry);
      return true;
    } catch {
      this.producers.clear();
      return false;
    }
  }
}

/** Sequences wrap from int32 max to 0, as in Kafka. */
function nextSequence(seq: number): number {
  return seq === 0x7fffffff ? 0 : seq + 1;
}

function lastSequenceOf(firstSeq: number, recordCount: number): number {
  return (firstSeq + recordCount - 1) % 0x80000000;
}
