import { gzipSync } from 'node:zlib';
import { crc32c } from '../encoding/crc32c';
import { writeInt64 } from '../encoding/int64';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../encoding/varint';
import {
  BatchAttributes,
  BatchLayout,
  CompressionCodec,
  CURRENT_MAGIC,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
} from './record-batch.layout';
import { RecordHeaders, RecordInput } from './record.types';
import { UnsupportedCompressionError } from './record-batch.errors';

export interface EncodeBatchOptions {
  /** Written into the header; the broker overwrites it when it assigns offsets. */
  baseOffset?: number;
  /** Base timestamp for records without their own; defaults to now. */
  timestamp?: number;
  compression?: CompressionCodec;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  partitionLeaderEpoch?: number;
}

/** A header key/value pair flattened for encoding (repeated keys become several pairs). */
type HeaderPair = [key: string, value: Buffer | string];

function flattenHeaders(headers: RecordHeaders | undefined): HeaderPair[] | null {
  if (!headers) return null;
  let pairs: HeaderPair[] | null = null;
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (value === undefined) continue;
    pairs ??= [];
    if (Array.isArray(value)) for (const v of value) pairs.push([key, v]);
    else pairs.push([key, value]);
  }
  return pairs;
}

function byteLen(v: Buffer | string): number {
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

function writeBytes(buf: Buffer, pos: number, v: Buffer | string): number {
  if (typeof v === 'string') return pos + buf.write(v, pos, 'utf8');
  v.copy(buf, pos);
  return pos + v.length;
}

/**
 * Encodes records into one RecordBatch (magic 2) with a valid CRC-32C.
 * Two passes: sizes first, then one allocation and straight writes.
 */
export function encodeRecordBatch(records: readonly RecordInput[], options: EncodeBatchOptions = {}): Buffer {
  if (records.length === 0) throw new RangeError('A record batch needs at least one record');
  const codec = options.compression ?? CompressionCodec.None;
  if (codec !== CompressionCodec.None && codec !== CompressionCodec.GZIP) {
    throw new UnsupportedCompressionError(codec);
  }

  const now = options.timestamp ?? Date.now();
  let baseTimestamp = Number.MAX_SAFE_INTEGER;
  let maxTimestamp = -1;
  for (const r of records) {
    const ts = r.timestamp ?? now;
    if (ts < baseTimestamp) baseTimestamp = ts;
    if (ts > maxTimestamp) maxTimestamp = ts;
  }

  const count = records.length;
  const bodySizes = new Array<number>(count);
  const headerPairs = new Array<HeaderPair[] | null>(count);
  let recordsBytes = 0;
  for (let i = 0; i < count; i++) {
    const r = records[i];
    const pairs = flattenHeaders(r.headers);
    headerPairs[i] = pairs;
    let size = 1 + sizeOfVarlong((r.timestamp ?? now) - baseTimestamp) + sizeOfVarint(i);
    size += r.key ? sizeOfVarint(r.key.length) + r.key.length : 1;
    size += r.value ? sizeOfVarint(r.value.length) + r.value.length : 1;
    size += sizeOfVarint(pairs ? pairs.length : 0);
    if (pairs) {
      for (const [k, v] of pairs) {
        const kl = Buffer.byteLength(k);
        const vl = byteLen(v);
        size += sizeOfVarint(kl) + kl + sizeOfVarint(vl) + vl;
      }
    }
    bodySizes[i] = size;
    recordsBytes += sizeOfVarint(size) + size;
  }

  const plain = codec === CompressionCodec.None;
  const recordsBuf = Buffer.allocUnsafe(plain ? BatchLayout.HEADER_SIZE + recordsBytes : recordsBytes);
  let pos = plain ? BatchLayout.HEADER_SIZE : 0;
  for (let i = 0; i < count; i++) {
    const r = records[i];
    pos = writeVarint(recordsBuf, pos, bodySizes[i]);
    recordsBuf[pos++] = 0;
    pos = writeVarlong(recordsBuf, pos, (r.timestamp ?? now) - baseTimestamp);
    pos = writeVarint(recordsBuf, pos, i);
    if (r.key) {
      pos = writeVarint(recordsBuf, pos, r.key.length);
      pos = writeBytes(recordsBuf, pos, r.key);
    } else {
      pos = writeVarint(recordsBuf, pos, -1);
    }
    if (r.value) {
      pos = writeVarint(recordsBuf, pos, r.value.length);
      pos = writeBytes(recordsBuf, pos, r.value);
    } else {
      pos = writeVarint(recordsBuf, pos, -1);
    }
    const pairs = headerPairs[i];
    pos = writeVarint(recordsBuf, pos, pairs ? pairs.length : 0);
    if (pairs) {
      for (const [k, v] of pairs) {
        pos = writeVarint(recordsBuf, pos, Buffer.byteLength(k));
        pos += recordsBuf.write(k, pos, 'utf8');
        pos = writeVarint(recordsBuf, pos, byteLen(v));
        pos = writeBytes(recordsBuf, pos, v);
      }
    }
  }

  let batch: Buffer;
  if (plain) {
    batch = recordsBuf;
  } else {
    const compressed = gzipSync(recordsBuf);
    batch = Buffer.allocUnsafe(BatchLayout.HEADER_SIZE + compressed.length);
    compressed.copy(batch, BatchLayout.HEADER_SIZE);
  }

  let attributes = codec & BatchAttributes.COMPRESSION_MASK;
  if (options.transactional) attributes |= BatchAttributes.TRANSACTIONAL;
  writeInt64(batch, BatchLayout.BASE_OFFSET, options.baseOffset ?? 0);
  batch.writeInt32BE(batch.length - BatchLayout.LOG_OVERHEAD, BatchLayout.BATCH_LENGTH);
  batch.writeInt32BE(options.partitionLeaderEpoch ?? 0, BatchLayout.PARTITION_LEADER_EPOCH);
  batch.writeInt8(CURRENT_MAGIC, BatchLayout.MAGIC);
  batch.writeInt16BE(attributes, BatchLayout.ATTRIBUTES);
  batch.writeInt32BE(count - 1, BatchLayout.LAST_OFFSET_DELTA);
  writeInt64(batch, BatchLayout.BASE_TIMESTAMP, baseTimestamp);
  writeInt64(batch, BatchLayout.MAX_TIMESTAMP, maxTimestamp);
  writeInt64(batch, BatchLayout.PRODUCER_ID, options.producerId ?? NO_PRODUCER_ID);
  batch.writeInt16BE(options.producerEpoch ?? NO_PRODUCER_EPOCH, BatchLayout.PRODUCER_EPOCH);
  batch.writeInt32BE(options.baseSequence ?? NO_SEQUENCE, BatchLayout.BASE_SEQUENCE);
  batch.writeInt32BE(count, BatchLayout.RECORDS_COUNT);
  batch.writeUInt32BE(crc32c(batch.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC);
  return batch;
}
