import { gunzipSync } from 'node:zlib';
import {
  BatchAttributes,
  BatchLayout,
  CompressionCodec,
  CorruptRecordBatchError,
  CURRENT_MAGIC,
  readInt64,
  UnsupportedCompressionError,
} from '@peak/protocol';
import type { IHeaders } from '../types/message.types';

/** Per RecordBatch details kafkajs attaches to each message as `batchContext`. */
export interface BatchContext {
  firstOffset: string;
  firstTimestamp: string;
  partitionLeaderEpoch: number;
  inTransaction: boolean;
  isControlBatch: boolean;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  maxTimestamp: string;
  timestampType: number;
  magicByte: number;
}

/** A fetched message: kafkajs's RecordBatchEntry plus the extra fields kafkajs sets. */
export interface FetchedMessage {
  magicByte: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  isControlRecord: boolean;
  batchContext: BatchContext;
}

// Layout and attribute constants copied once: the protocol barrel re-exports through getters,
// which would cost a call per access on this path.
const BASE_OFFSET = BatchLayout.BASE_OFFSET;
const BATCH_LENGTH = BatchLayout.BATCH_LENGTH;
const PARTITION_LEADER_EPOCH = BatchLayout.PARTITION_LEADER_EPOCH;
const MAGIC = BatchLayout.MAGIC;
const ATTRIBUTES = BatchLayout.ATTRIBUTES;
const LAST_OFFSET_DELTA = BatchLayout.LAST_OFFSET_DELTA;
const BASE_TIMESTAMP = BatchLayout.BASE_TIMESTAMP;
const MAX_TIMESTAMP = BatchLayout.MAX_TIMESTAMP;
const PRODUCER_ID = BatchLayout.PRODUCER_ID;
const PRODUCER_EPOCH = BatchLayout.PRODUCER_EPOCH;
const BASE_SEQUENCE = BatchLayout.BASE_SEQUENCE;
const RECORDS_COUNT = BatchLayout.RECORDS_COUNT;
const HEADER_SIZE = BatchLayout.HEADER_SIZE;
const LOG_OVERHEAD = BatchLayout.LOG_OVERHEAD;
const MAGIC_V2 = CURRENT_MAGIC;
const CONTROL = BatchAttributes.CONTROL;
const TRANSACTIONAL = BatchAttributes.TRANSACTIONAL;
const LOG_APPEND_TIME = BatchAttributes.TIMESTAMP_TYPE_LOG_APPEND;
const COMPRESSION_MASK = BatchAttributes.COMPRESSION_MASK;
const GZIP = CompressionCodec.GZIP;
const NONE = CompressionCodec.None;
const readInt64At = readInt64;

/**
 * Read position of the decode in progress. Decoding is synchronous and never nested, so one
 * module-level position serves every call without a cursor object.
 */
let at = 0;

/** Zig-zag varint (int32) at `at`. A varint running past the buffer reads as ending there; callers check record bounds. */
function varint(buf: Buffer): number {
  let byte = buf[at++];
  if (byte < 0x80) return (byte >>> 1) ^ -(byte & 1);
  let result = byte & 0x7f;
  let shift = 7;
  do {
    if (shift > 28) throw new CorruptRecordBatchError(`Malformed varint before byte ${at}`);
    byte = buf[at++] | 0;
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return (result >>> 1) ^ -(result & 1);
}

/** Zig-zag varlong at `at`, in the safe-integer range. */
function varlong(buf: Buffer): number {
  let byte = buf[at++];
  if (byte < 0x80) return byte % 2 === 0 ? byte / 2 : -(byte + 1) / 2;
  let result = byte & 0x7f;
  let multiplier = 128;
  do {
    if (multiplier > 2 ** 56) throw new CorruptRecordBatchError(`Malformed varlong before byte ${at}`);
    byte = buf[at++] | 0;
    result += (byte & 0x7f) * multiplier;
    multiplier *= 128;
  } while (byte & 0x80);
  return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
}

function readBytes(buf: Buffer, end: number): Buffer | null {
  const len = varint(buf);
  if (len < 0) return null;
  const start = at;
  const stop = start + len;
  if (stop > end) throw new CorruptRecordBatchError('Record field runs past the end of the record');
  at = stop;
  return buf.subarray(start, stop);
}

function readHeaders(buf: Buffer, count: number, end: number): IHeaders {
  const headers: IHeaders = {};
  for (let h = 0; h < count; h++) {
    const key = readBytes(buf, end);
    const value = readBytes(buf, end) ?? Buffer.alloc(0);
    if (!key) throw new CorruptRecordBatchError('Header key is null');
    const name = key.toString('utf8');
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[name] = [existing, value];
  }
  return headers;
}

function contextOf(buf: Buffer, pos: number, attributes: number): BatchContext {
  return {
    firstOffset: String(readInt64At(buf, pos + BASE_OFFSET)),
    firstTimestamp: String(readInt64At(buf, pos + BASE_TIMESTAMP)),
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH),
    inTransaction: (attributes & TRANSACTIONAL) !== 0,
    isControlBatch: (attributes & CONTROL) !== 0,
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA),
    producerId: String(readInt64At(buf, pos + PRODUCER_ID)),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH),
    firstSequence: buf.readInt32BE(pos + BASE_SEQUENCE),
    maxTimestamp: String(readInt64At(buf, pos + MAX_TIMESTAMP)),
    timestampType: (attributes & LOG_APPEND_TIME) >> 3,
    magicByte: buf.readInt8(pos + MAGIC),
  };
}

/**
 * Builds a message as a constructor does, yet the result is a plain object (its prototype is
 * Object.prototype, as an object literal's, with kafkajs's key order). Why not a literal: V8
 * may decide that an object literal's allocation site "survives" and allocate every later
 * object from it straight in the old generation (allocation-site pretenuring), and it did
 * for the message literal when a fetch was handed out in parts over TCP: every minor GC kept
 * everything and full GCs ran every ~200 ms. Objects made by `new` are not pretenured that way.
 */
function initPlainMessage(
  this: FetchedMessage,
  attributes: number,
  timestamp: string,
  offset: string,
  key: Buffer | null,
  value: Buffer | null,
  headers: IHeaders,
  batchContext: BatchContext,
): void {
  this.magicByte = MAGIC_V2;
  this.attributes = attributes;
  this.timestamp = timestamp;
  this.offset = offset;
  this.key = key;
  this.value = value;
  this.headers = headers;
  this.isControlRecord = false;
  this.batchContext = batchContext;
}
const PlainMessage = initPlainMessage as unknown as new (...args: Parameters<typeof initPlainMessage>) => FetchedMessage;
PlainMessage.prototype = Object.prototype;

/**
 * Decodes the user records at or after `from` of the stored batch at `pos` straight into
 * kafkajs message objects appended to `out` (and, when given, their offsets as numbers to
 * `offsets`). Per record it allocates the message, its offset string, its headers object and
 * views (no copies) of key and value; the batch context and equal timestamps' strings are
 * shared. Control batches add nothing. Gzip is inflated; other codecs are rejected.
 * Synchronous and not re-entrant-safe across threads (there are none). The CRC is not checked.
 */
export function decodeStoredBatch(buf: Buffer, pos: number, from: number, out: FetchedMessage[], offsets?: number[]): void {
  const magic = buf.readInt8(pos + MAGIC);
  if (magic !== MAGIC_V2) throw new CorruptRecordBatchError(`Unsupported magic ${magic}`);
  const attributes = buf.readInt16BE(pos + ATTRIBUTES);
  if ((attributes & CONTROL) !== 0) return;
  const batchEnd = pos + buf.readInt32BE(pos + BATCH_LENGTH) + LOG_OVERHEAD;
  if (batchEnd > buf.length) throw new CorruptRecordBatchError('Batch is truncated');
  const baseOffset = readInt64At(buf, pos + BASE_OFFSET);
  const baseTimestamp = readInt64At(buf, pos + BASE_TIMESTAMP);
  const logAppendTime = (attributes & LOG_APPEND_TIME) !== 0;
  const maxTimestamp = logAppendTime ? readInt64At(buf, pos + MAX_TIMESTAMP) : 0;
  const count = buf.readInt32BE(pos + RECORDS_COUNT);
  const codec = attributes & COMPRESSION_MASK;
  let body = buf;
  let end = batchEnd;
  at = pos + HEADER_SIZE;
  if (codec === GZIP) {
    body = gunzipSync(buf.subarray(pos + HEADER_SIZE, batchEnd));
    end = body.length;
    at = 0;
  } else if (codec !== NONE) {
    throw new UnsupportedCompressionError(codec);
  }
  const context = contextOf(buf, pos, attributes);
  let lastTs = NaN;
  let lastTsString = '';
  for (let i = 0; i < count; i++) {
    const length = varint(body);
    const recordEnd = at + length;
    if (length < 0 || recordEnd > end) throw new CorruptRecordBatchError(`Record ${i} has a bad length ${length}`);
    const recordAttributes = body[at++];
    const timestampDelta = varlong(body);
    const offset = baseOffset + varint(body);
    if (offset < from) {
      at = recordEnd;
      continue;
    }
    const key = readBytes(body, recordEnd);
    const value = readBytes(body, recordEnd);
    const headerCount = varint(body);
    const headers = headerCount === 0 ? {} : readHeaders(body, headerCount, recordEnd);
    if (at !== recordEnd) throw new CorruptRecordBatchError(`Record ${i} length does not match its fields`);
    const ts = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
    if (ts !== lastTs) {
      lastTs = ts;
      lastTsString = String(ts);
    }
    out.push(new PlainMessage(recordAttributes, lastTsString, String(offset), key, value, headers, context));
    if (offsets) offsets.push(offset);
  }
}
