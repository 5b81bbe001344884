import { BatchLayout, CorruptRecordBatchError, readInt64, validateBatch } from '@peak/protocol';
import { preadFully } from './segment-files';

/** Bytes read per pread while walking batch headers. */
const HEADER_SCAN_CHUNK = 64 * 1024;
/** Bytes read per pread while validating whole batches. */
const VALIDATE_CHUNK = 1024 * 1024;

/** The header fields a scan hands out, read straight from the scan buffer. */
export interface ScannedBatch {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  /** -1 for batches of non-idempotent producers. */
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

/** The producer fields of the batch header at `at` in `buf`. */
function producerFields(buf: Buffer, at: number): Pick<ScannedBatch, 'producerId' | 'producerEpoch' | 'baseSequence'> {
  return {
    producerId: readInt64(buf, at + BatchLayout.PRODUCER_ID),
    producerEpoch: buf.readInt16BE(at + BatchLayout.PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(at + BatchLayout.BASE_SEQUENCE),
  };
}

/**
 * Walks the batch headers of a log file from `start` to `end` without reading the records
 * (no CRC check). Stops when `visit` returns false, or at a header that is cut short or
 * claims a length running past `end`. Returns the position it stopped at (`end` when every
 * batch in range was whole). Memory: one 64 KiB buffer.
 */
export function scanBatchHeaders(fd: number, start: number, end: number, visit: (batch: ScannedBatch) => boolean | void): number {
  const buf = Buffer.allocUnsafe(HEADER_SCAN_CHUNK);
  let bufStart = 0;
  let bufLen = 0;
  let lastSize = 0;
  let pos = start;
  while (pos < end) {
    if (pos < bufStart || pos + BatchLayout.HEADER_SIZE > bufStart + bufLen) {
      // Big batches: fetch just the next header instead of a chunk that is mostly records.
      const want = Math.min(lastSize > HEADER_SCAN_CHUNK / 4 ? BatchLayout.HEADER_SIZE : HEADER_SCAN_CHUNK, end - pos);
      bufLen = preadFully(fd, buf, want, pos);
      bufStart = pos;
      if (bufLen < BatchLayout.HEADER_SIZE) return pos;
    }
    const at = pos - bufStart;
    const size = buf.readInt32BE(at + BatchLayout.BATCH_LENGTH) + BatchLayout.LOG_OVERHEAD;
    if (size < BatchLayout.HEADER_SIZE || pos + size > end) return pos;
    const baseOffset = readInt64(buf, at + BatchLayout.BASE_OFFSET);
    const batch: ScannedBatch = {
      position: pos,
      size,
      baseOffset,
      lastOffset: baseOffset + buf.readInt32BE(at + BatchLayout.LAST_OFFSET_DELTA),
      maxTimestamp: readInt64(buf, at + BatchLayout.MAX_TIMESTAMP),
      ...producerFields(buf, at),
    };
    if (visit(batch) === false) return pos;
    lastSize = size;
    pos += size;
  }
  return pos;
}

/** What a validating scan found: the valid prefix of the file. */
export interface ValidatedRange {
  /** Bytes from 0 that hold whole, valid batches with increasing offsets. */
  validBytes: number;
  /** Offset after the last valid batch (`firstOffset` when there is none). */
  nextOffset: number;
  /** Why the scan stopped before the end of the file, or null when it reached it. */
  stopReason: string | null;
}

/**
 * Reads the file from 0 to `fileSize` and checks every batch: whole (length within the file),
 * well formed with a matching CRC-32C (validateBatch), and offsets increasing from
 * `firstOffset`. Stops at the first batch that fails. `visit` sees each valid batch.
 * Memory: one 1 MiB buffer, plus one buffer for a batch larger than that.
 */
export function validateBatches(fd: number, fileSize: number, firstOffset: number, visit: (batch: ScannedBatch) => void): ValidatedRange {
  const chunk = Buffer.allocUnsafe(VALIDATE_CHUNK);
  let bufStart = 0;
  let bufLen = 0;
  let buf = chunk;
  let pos = 0;
  let nextOffset = firstOffset;
  const stop = (reason: string): ValidatedRange => ({ validBytes: pos, nextOffset, stopReason: reason });
  while (pos < fileSize) {
    if (fileSize - pos < BatchLayout.HEADER_SIZE) return stop(`${fileSize - pos} stray bytes at the end`);
    if (pos + BatchLayout.HEADER_SIZE > bufStart + bufLen) {
      buf = chunk;
      bufLen = preadFully(fd, buf, Math.min(VALIDATE_CHUNK, fileSize - pos), pos);
      bufStart = pos;
    }
    let at = pos - bufStart;
    const size = buf.readInt32BE(at + BatchLayout.BATCH_LENGTH) + BatchLayout.LOG_OVERHEAD;
    if (size < BatchLayout.HEADER_SIZE) return stop(`batch length ${size} below the header size`);
    if (pos + size > fileSize) return stop(`batch of ${size} bytes cut short by the end of the file`);
    if (at + size > bufLen) {
      buf = size <= VALIDATE_CHUNK ? chunk : Buffer.allocUnsafe(size);
      bufLen = preadFully(fd, buf, Math.min(buf.length, fileSize - pos), pos);
      bufStart = pos;
      at = 0;
    }
    try {
      validateBatch(buf, at, size);
    } catch (err) {
      if (err instanceof CorruptRecordBatchError) return stop(err.message);
      throw err;
    }
    const baseOffset = readInt64(buf, at + BatchLayout.BASE_OFFSET);
    if (baseOffset < nextOffset) return stop(`batch base offset ${baseOffset} is below ${nextOffset}`);
    const lastOffset = baseOffset + buf.readInt32BE(at + BatchLayout.LAST_OFFSET_DELTA);
    visit({ position: pos, size, baseOffset, lastOffset, maxTimestamp: readInt64(buf, at + BatchLayout.MAX_TIMESTAMP), ...producerFields(buf, at) });
    nextOffset = lastOffset + 1;
    pos += size;
  }
  return { validBytes: pos, nextOffset, stopReason: null };
}
