import { BatchLayout, readInt64 } from '@peak/protocol';

/**
 * The leading whole batches of `batches` whose base offset is below `upTo` (a batch
 * boundary: durable ends always are), or null when the first batch starts at or past it.
 * Returns a view, not a copy.
 */
export function trimToOffset(batches: Buffer, upTo: number): Buffer | null {
  let pos = 0;
  while (pos + BatchLayout.HEADER_SIZE <= batches.length) {
    if (readInt64(batches, pos + BatchLayout.BASE_OFFSET) >= upTo) break;
    pos += batches.readInt32BE(pos + BatchLayout.BATCH_LENGTH) + BatchLayout.LOG_OVERHEAD;
  }
  if (pos === 0) return null;
  return pos >= batches.length ? batches : batches.subarray(0, pos);
}
