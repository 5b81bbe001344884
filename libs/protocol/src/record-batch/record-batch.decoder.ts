import { gunzipSync } from 'node:zlib';
import { crc32c } from '../encoding/crc32c';
import { readInt64 } from '../encoding/int64';
import { Cursor, readVarint, readVarlong } from '../encoding/varint';
import { CorruptRecordBatchError, UnsupportedCompressionError } from './record-batch.errors';
import { BatchAttributes, BatchLayout, CompressionCodec, CURRENT_MAGIC } from './record-batch.layout';
import { BatchHeader, DecodedBatch, DecodedRecord } from './record.types';

/**
 * Size of the complete batch starting at `pos`, or -1 when fewer bytes than a whole
 * batch remain (a truncated tail, as a fetch response may end with).
 */
export function batchSizeAt(buf: Buffer, pos: number): number {
  if (buf.length - pos < BatchLayout.LOG_OVERHEAD) return -1;
  const size = buf.readInt32BE(pos + BatchLayout.BATCH_LENGTH) + BatchLayout.LOG_OVERHEAD;
  if (size < BatchLayout.HEADER_SIZE) throw new CorruptRecordBatchError(`Batch length ${size} is below the header size`);
  return pos + size <= buf.length ? size : -1;
}

/** Reads the fixed header of the batch at `pos` (no CRC check, records untouched). */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  return {
    baseOffset: readInt64(buf, pos + BatchLayout.BASE_OFFSET),
    sizeInBytes: buf.readInt32BE(pos + BatchLayout.BATCH_LENGTH) + BatchLayout.LOG_OVERHEAD,
    partitionLeaderEpoch: buf.readInt32BE(pos + BatchLayout.PARTITION_LEADER_EPOCH),
    magic: buf.readInt8(pos + BatchLayout.MAGIC),
    crc: buf.readUInt32BE(pos + BatchLayout.CRC),
    attributes: buf.readInt16BE(pos + BatchLayout.ATTRIBUTES),
    lastOffsetDelta: buf.readInt32BE(pos + BatchLayout.LAST_OFFSET_DELTA),
    baseTimestamp: readInt64(buf, pos + BatchLayout.BASE_TIMESTAMP),
    maxTimestamp: readInt64(buf, pos + BatchLayout.MAX_TIMESTAMP),
    producerId: readInt64(buf, pos + BatchLayout.PRODUCER_ID),
    producerEpoch: buf.readInt16BE(pos + BatchLayout.PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + BatchLayout.BASE_SEQUENCE),
    recordsCount: buf.readInt32BE(pos + BatchLayout.RECORDS_COUNT),
  };
}

/**
 * Checks that the `size` bytes at `pos` are one well-formed batch: magic 2, a length that
 * matches, a records count that matches lastOffsetDelta, and a CRC-32C that matches.
 * Throws CorruptRecordBatchError naming what is wrong.
 */
export function validateBatch(buf: Buffer, pos: number, size: number): void {
  validateBatchFraming(buf, pos, size);
  const expected = buf.readUInt32BE(pos + BatchLayout.CRC);
  const actual = crc32c(buf.subarray(pos + BatchLayout.ATTRIBUTES, pos + size));
  if (expected !== actual) throw new CorruptRecordBatchError(`CRC mismatch: stored ${expected}, computed ${actual}`);
}

/**
 * validateBatch without the CRC-32C: magic, length and records count only (header reads,
 * no pass over the records). For bytes whose CRC the caller has already checked.
 */
export function validateBatchFraming(buf: Buffer, pos: number, size: number): void {
  if (size < BatchLayout.HEADER_SIZE) throw new CorruptRecordBatchError(`Batch of ${size} bytes is shorter than its header`);
  const magic = buf.readInt8(pos + BatchLayout.MAGIC);
  if (magic !== CURRENT_MAGIC) throw new CorruptRecordBatchError(`Unsupported magic ${magic} (only 2)`);
  const declared = buf.readInt32BE(pos + BatchLayout.BATCH_LENGTH) + BatchLayout.LOG_OVERHEAD;
  if (declared !== size) throw new CorruptRecordBatchError(`Batch length ${declared} does not match ${size}`);
  const count = buf.readInt32BE(pos + BatchLayout.RECORDS_COUNT);
  const lastOffsetDelta = buf.readInt32BE(pos + BatchLayout.LAST_OFFSET_DELTA);
  if (count <= 0 || lastOffsetDelta < count - 1) {
    throw new CorruptRecordBatchError(`Records count ${count} does not fit lastOffsetDelta ${lastOffsetDelta}`);
  }
}

function readBytes(buf: Buffer, cur: Cursor): Buffer | null {
  const len = readVarint(buf, cur);
  if (len < 0) return null;
  const end = cur.pos + len;
  if (end > buf.length) throw new CorruptRecordBatchError('Record field runs past the end of the batch');
  const out = buf.subarray(cur.pos, end);
  cur.pos = end;
  return out;
}

function decodeRecords(buf: Buffer, start: number, count: number, header: BatchHeader): DecodedRecord[] {
  const records = new Array<DecodedRecord>(count);
  const cur: Cursor = { pos: start };
  const logAppendTime = (header.attributes & BatchAttributes.TIMESTAMP_TYPE_LOG_APPEND) !== 0;
  for (let i = 0; i < count; i++) {
    const length = readVarint(buf, cur);
    const end = cur.pos + length;
    if (length < 0 || end > buf.length) throw new CorruptRecordBatchError(`Record ${i} has a bad length ${length}`);
    const attributes = buf[cur.pos++];
    const timestampDelta = readVarlong(buf, cur);
    const offsetDelta = readVarint(buf, cur);
    const key = readBytes(buf, cur);
    const value = readBytes(buf, cur);
    const headerCount = readVarint(buf, cur);
    const headers: { [key: string]: Buffer | Buffer[] } = {};
    for (let h = 0; h < headerCount; h++) {
      const hk = readBytes(buf, cur);
      const hv = readBytes(buf, cur) ?? Buffer.alloc(0);
      if (!hk) throw new CorruptRecordBatchError('Header key is null');
      const name = hk.toString('utf8');
      const existing = headers[name];
      if (existing === undefined) headers[name] = hv;
      else if (Array.isArray(existing)) existing.push(hv);
      else headers[name] = [existing, hv];
    }
    if (cur.pos !== end) throw new CorruptRecordBatchError(`Record ${i} length does not match its fields`);
    records[i] = {
      offset: header.baseOffset + offsetDelta,
      timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      key,
      value,
      headers,
      attributes,
    };
  }
  return records;
}

/** Decodes the whole batch at `pos` (gzip inflated). Does not check the CRC: see validateBatch. */
export function decodeRecordBatch(buf: Buffer, pos = 0): DecodedBatch {
  const header = readBatchHeader(buf, pos);
  if (header.magic !== CURRENT_MAGIC) throw new CorruptRecordBatchError(`Unsupported magic ${header.magic}`);
  const end = pos + header.sizeInBytes;
  if (end > buf.length) throw new CorruptRecordBatchError('Batch is truncated');
  const codec = header.attributes & BatchAttributes.COMPRESSION_MASK;
  let body: Buffer;
  let start: number;
  if (codec === CompressionCodec.None) {
    body = end === buf.length ? buf : buf.subarray(0, end);
    start = pos + BatchLayout.HEADER_SIZE;
  } else if (codec === CompressionCodec.GZIP) {
    body = gunzipSync(buf.subarray(pos + BatchLayout.HEADER_SIZE, end));
    start = 0;
  } else {
    throw new UnsupportedCompressionError(codec);
  }
  return {
    ...header,
    records: decodeRecords(body, start, header.recordsCount, header),
    isControlBatch: (header.attributes & BatchAttributes.CONTROL) !== 0,
    isTransactional: (header.attributes & BatchAttributes.TRANSACTIONAL) !== 0,
  };
}

/**
 * Decodes every complete batch in `buf` (a fetch response's records), ignoring a
 * truncated last batch as Kafka clients do.
 */
export function decodeRecordBatches(buf: Buffer): DecodedBatch[] {
  const batches: DecodedBatch[] = [];
  let pos = 0;
  for (;;) {
    const size = batchSizeAt(buf, pos);
    if (size < 0) break;
    batches.push(decodeRecordBatch(buf, pos));
    pos += size;
  }
  return batches;
}
