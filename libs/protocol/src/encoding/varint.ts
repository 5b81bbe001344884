/**
 * Zig-zag variable-length integers as Kafka's RecordBatch v2 uses them
 * (protobuf-style base-128 groups, least significant first).
 *
 * `varint` covers int32; `varlong` covers the safe-integer range of a JS number,
 * which is all a record's timestamp delta or offset delta ever needs here.
 */

/** Bytes needed to write `value` as a zig-zag varint (int32). */
export function sizeOfVarint(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (v >= 0x80) {
    v >>>= 7;
    bytes++;
  }
  return bytes;
}

/** Writes a zig-zag varint (int32) at `offset`; returns the offset after it. */
export function writeVarint(buf: Buffer, offset: number, value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  while (v >= 0x80) {
    buf[offset++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[offset++] = v;
  return offset;
}

function zigZagLong(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** Bytes needed to write `value` as a zig-zag varlong. */
export function sizeOfVarlong(value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return sizeOfVarint(value);
  let v = zigZagLong(value);
  let bytes = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    bytes++;
  }
  return bytes;
}

/** Writes a zig-zag varlong at `offset`; returns the offset after it. */
export function writeVarlong(buf: Buffer, offset: number, value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return writeVarint(buf, offset, value);
  let v = zigZagLong(value);
  while (v >= 0x80) {
    buf[offset++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[offset++] = v;
  return offset;
}

/** A cursor for reading varints: `pos` advances as values are read. */
export interface Cursor {
  pos: number;
}

export class VarintOverflowError extends Error {
  constructor(at: number) {
    super(`Malformed varint at byte ${at}`);
    this.name = this.constructor.name;
  }
}

/** Reads a zig-zag varint (int32) at `cur.pos` and advances it. */
export function readVarint(buf: Buffer, cur: Cursor): number {
  let pos = cur.pos;
  let result = 0;
  let shift = 0;
  let byte: number;
  do {
    if (pos >= buf.length || shift > 28) throw new VarintOverflowError(cur.pos);
    byte = buf[pos++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  cur.pos = pos;
  return (result >>> 1) ^ -(result & 1);
}

/** Reads a zig-zag varlong at `cur.pos` and advances it (safe-integer range). */
export function readVarlong(buf: Buffer, cur: Cursor): number {
  let pos = cur.pos;
  let result = 0;
  let multiplier = 1;
  let byte: number;
  do {
    if (pos >= buf.length || multiplier > 2 ** 56) throw new VarintOverflowError(cur.pos);
    byte = buf[pos++];
    result += (byte & 0x7f) * multiplier;
    multiplier *= 128;
  } while (byte & 0x80);
  cur.pos = pos;
  return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
}
