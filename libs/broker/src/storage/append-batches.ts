import { BatchLayout, readInt64, writeInt64 } from '@peak/protocol';
import { RecordBatchTooLargeError, InvalidAppendError } from './storage.errors';

/** What one batch of an append buffer turned out to be, once its offsets were assigned. */
export interface AssignedBatch {
  /** Byte position of the batch inside the append buffer. */
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

/**
 * Walks the concatenated batches of an append buffer, rewrites each baseOffset in place
 * (starting at `nextOffset`) and calls `visit` once per batch. Per-batch work only: the
 * records are never touched. Returns the offset after the last record. Call checkAppend()
 * first: this trusts the framing.
 */
export function assignOffsets(batches: Buffer, nextOffset: number, visit: (batch: AssignedBatch) => void): number {
  let pos = 0;
  let offset = nextOffset;
  const end = batches.length;
  while (pos < end) {
    const size = batches.readInt32BE(pos + BatchLayout.BATCH_LENGTH) + BatchLayout.LOG_OVERHEAD;
    const lastOffsetDelta = batches.readInt32BE(pos + BatchLayout.LAST_OFFSET_DELTA);
    writeInt64(batches, pos + BatchLayout.BASE_OFFSET, offset);
    const lastOffset = offset + lastOffsetDelta;
    visit({
      position: pos,
      size,
      baseOffset: offset,
      lastOffset,
      maxTimestamp: readInt64(batches, pos + BatchLayout.MAX_TIMESTAMP),
    });
    offset = lastOffset + 1;
    pos += size;
  }
  return offset;
}

/**
 * Checks that an append buffer is a whole number of batches, none above `maxBatchBytes`,
 * and returns how many offsets it will take (sum of lastOffsetDelta + 1). Throws
 * InvalidAppendError or RecordBatchTooLargeError before anything is changed.
 */
export function checkAppend(batches: Buffer, maxBatchBytes: number): number {
  if (batches.length === 0) throw new InvalidAppendError('Nothing to append');
  let pos = 0;
  let span = 0;
  while (pos < batches.length) {
    if (batches.length - pos < BatchLayout.HEADER_SIZE) {
      throw new InvalidAppendError(`Append buffer ends with ${batches.length - pos} stray bytes`);
    }
    const size = batches.readInt32BE(pos + BatchLayout.BATCH_LENGTH) + BatchLayout.LOG_OVERHEAD;
    if (size < BatchLayout.HEADER_SIZE || pos + size > batches.length) {
      throw new InvalidAppendError(`Batch at byte ${pos} claims ${size} bytes; the buffer has ${batches.length - pos}`);
    }
    if (size > maxBatchBytes) throw new RecordBatchTooLargeError(size, maxBatchBytes);
    const lastOffsetDelta = batches.readInt32BE(pos + BatchLayout.LAST_OFFSET_DELTA);
    if (lastOffsetDelta < 0) throw new InvalidAppendError(`Batch at byte ${pos} has a negative lastOffsetDelta`);
    span += lastOffsetDelta + 1;
    pos += size;
  }
  return span;
}
