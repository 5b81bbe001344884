import { crc32c, readInt64, writeInt64 } from '@peak/protocol';
import { OffsetCommitEntry } from './offset-store.interface';

/**
 * One record of the offsets log. Framing on disk (big-endian):
 *
 *   length:int32 (payload bytes) crc:uint32 (CRC-32C of the payload) payload
 *   payload => type:int8 fields…
 *     1 commit       => group:str16 topic:str16 partition:int32 offset:int64 timestamp:int64 metadata:nullable str16
 *     2 delete group => group:str16
 *     3 delete topic => topic:str16
 */
export type OffsetLogRecord =
  | ({ type: 'commit'; groupId: string } & OffsetCommitEntry)
  | { type: 'deleteGroup'; groupId: string }
  | { type: 'deleteTopic'; topic: string };

export const RECORD_HEADER_BYTES = 8;
/** Sanity bound on one record's payload; anything bigger is corruption. */
export const MAX_RECORD_PAYLOAD_BYTES = 1 << 20;

const TYPE_COMMIT = 1;
const TYPE_DELETE_GROUP = 2;
const TYPE_DELETE_TOPIC = 3;

/** Thrown when a record cannot be encoded (a string longer than int16 allows). */
export class OffsetRecordEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

function str16Size(value: string | null): number {
  const length = value === null ? 0 : Buffer.byteLength(value, 'utf8');
  if (length > 0x7fff) throw new OffsetRecordEncodeError(`string of ${length} bytes is too long`);
  return 2 + length;
}

function writeStr16(buf: Buffer, at: number, value: string | null): number {
  if (value === null) {
    buf.writeInt16BE(-1, at);
    return at + 2;
  }
  const length = buf.write(value, at + 2, 'utf8');
  buf.writeInt16BE(length, at);
  return at + 2 + length;
}

export function encodeOffsetRecord(record: OffsetLogRecord): Buffer {
  let size = 1;
  if (record.type === 'commit') {
    size += str16Size(record.groupId) + str16Size(record.topic) + 4 + 8 + 8 + str16Size(record.metadata);
  } else {
    size += str16Size(record.type === 'deleteGroup' ? record.groupId : record.topic);
  }
  if (size > MAX_RECORD_PAYLOAD_BYTES) throw new OffsetRecordEncodeError(`record of ${size} bytes is too large`);
  const buf = Buffer.alloc(RECORD_HEADER_BYTES + size);
  let at = RECORD_HEADER_BYTES;
  if (record.type === 'commit') {
    buf.writeInt8(TYPE_COMMIT, at++);
    at = writeStr16(buf, at, record.groupId);
    at = writeStr16(buf, at, record.topic);
    buf.writeInt32BE(record.partition, at);
    writeInt64(buf, at + 4, record.offset);
    writeInt64(buf, at + 12, record.commitTimestampMs);
    at = writeStr16(buf, at + 20, record.metadata);
  } else if (record.type === 'deleteGroup') {
    buf.writeInt8(TYPE_DELETE_GROUP, at++);
    at = writeStr16(buf, at, record.groupId);
  } else {
    buf.writeInt8(TYPE_DELETE_TOPIC, at++);
    at = writeStr16(buf, at, record.topic);
  }
  buf.writeInt32BE(size, 0);
  buf.writeUInt32BE(crc32c(buf.subarray(RECORD_HEADER_BYTES)), 4);
  return buf;
}

/** Result of reading a log: the valid records and where the valid prefix ends. */
export interface OffsetLogScan {
  records: OffsetLogRecord[];
  /** Bytes of the valid prefix; anything after is a torn or corrupt tail. */
  validBytes: number;
}

/**
 * Decodes records from the start of `data` and stops at the first one that is incomplete,
 * fails its CRC or does not parse: a crash can only tear the tail of an append-only file,
 * and nothing after a bad record can be trusted to be framed correctly.
 */
export function scanOffsetLog(data: Buffer): OffsetLogScan {
  const records: OffsetLogRecord[] = [];
  let at = 0;
  while (at + RECORD_HEADER_BYTES <= data.length) {
    const size = data.readInt32BE(at);
    if (size < 1 || size > MAX_RECORD_PAYLOAD_BYTES || at + RECORD_HEADER_BYTES + size > data.length) break;
    const payload = data.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + size);
    if (crc32c(payload) !== data.readUInt32BE(at + 4)) break;
    const record = decodePayload(payload);
    if (!record) break;
    records.push(record);
    at += RECORD_HEADER_BYTES + size;
  }
  return { records, validBytes: at };
}

function decodePayload(payload: Buffer): OffsetLogRecord | null {
  let at = 1;
  const readStr16 = (): string | null => {
    if (at + 2 > payload.length) throw new RangeError('truncated');
    const length = payload.readInt16BE(at);
    at += 2;
    if (length < 0) return null;
    if (at + length > payload.length) throw new RangeError('truncated');
    const value = payload.toString('utf8', at, at + length);
    at += length;
    return value;
  };
  const readName = (): string => {
    const value = readStr16();
    if (value === null) throw new RangeError('null name');
    return value;
  };
  try {
    switch (payload.readInt8(0)) {
      case TYPE_COMMIT: {
        const groupId = readName();
        const topic = readName();
        if (at + 20 > payload.length) return null;
        const partition = payload.readInt32BE(at);
        const offset = readInt64(payload, at + 4);
        const commitTimestampMs = readInt64(payload, at + 12);
        at += 20;
        const metadata = readStr16();
        return { type: 'commit', groupId, topic, partition, offset, commitTimestampMs, metadata };
      }
      case TYPE_DELETE_GROUP:
        return { type: 'deleteGroup', groupId: readName() };
      case TYPE_DELETE_TOPIC:
        return { type: 'deleteTopic', topic: readName() };
      default:
        return null;
    }
  } catch {
    return null;
  }
}
