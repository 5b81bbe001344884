import { decodeRecordBatch } from '@peak/protocol';

/**
 * The offset of the first record in the batch at `pos` of `buf` whose timestamp is
 * >= `timestamp`, or null when none is. Decodes the batch (inflating it when compressed);
 * only called for the one batch a timestamp lookup lands on.
 */
export function firstOffsetAtOrAfter(buf: Buffer, pos: number, timestamp: number): number | null {
  const batch = decodeRecordBatch(buf, pos);
  for (const record of batch.records) {
    if (record.timestamp >= timestamp) return record.offset;
  }
  return null;
}
