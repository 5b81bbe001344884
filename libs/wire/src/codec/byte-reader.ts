import { readInt64 } from '@peak/protocol';
import { ProtocolDecodeError } from './codec.errors';

/**
 * A bounds-checked cursor over one Kafka request body.
 *
 * Every read checks the bytes remain and throws ProtocolDecodeError otherwise, so a
 * malformed frame can never read past its end or allocate an array larger than the frame
 * could hold. Byte fields are returned as views into the frame (no copy); callers that
 * keep them beyond the frame's life must copy. Not thread-safe (no reader is shared).
 */
export class ByteReader {
  private pos: number;
  /**
   * Whether the request being read uses a flexible version (KIP-482). The `flex*` methods
   * read compact forms and tagged fields when set, the classic forms (and no tags) otherwise.
   */
  flexible = false;

  constructor(
    private readonly buf: Buffer,
    offset = 0,
    private readonly end = buf.length,
  ) {
    this.pos = offset;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private take(n: number): number {
    if (n < 0 || this.pos + n > this.end) {
      throw new ProtocolDecodeError(`Need ${n} bytes at ${this.pos}, have ${this.end - this.pos}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }

  /** int64 as a JS number (exact below 2^53, which offsets and ids stay under). */
  int64(): number {
    return readInt64(this.buf, this.take(8));
  }

  /** Unsigned base-128 varint (compact lengths, tag numbers). */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (shift > 28) throw new ProtocolDecodeError(`Unsigned varint too long at ${this.pos}`);
      const byte = this.buf[this.take(1)];
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  }

  /** Zig-zag varint (int32). */
  varint(): number {
    const raw = this.uvarint();
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  /** Zig-zag varlong (safe-integer range). */
  varlong(): number {
    let result = 0;
    let multiplier = 1;
    for (;;) {
      if (multiplier > 2 ** 56) throw new ProtocolDecodeError(`Varlong too long at ${this.pos}`);
      const byte = this.buf[this.take(1)];
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) break;
      multiplier *= 128;
    }
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
  }

  private utf8(length: number): string {
    const at = this.take(length);
    return this.buf.toString('utf8', at, at + length);
  }

  /** STRING: int16 length + UTF-8. */
  string(): string {
    const value = this.nullableString();
    if (value === null) throw new ProtocolDecodeError('Null where a STRING is required');
    return value;
  }

  /** NULLABLE_STRING: int16 length (-1 = null) + UTF-8. */
  nullableString(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    if (length < 0) throw new ProtocolDecodeError(`Bad string length ${length}`);
    return this.utf8(length);
  }

  /** BYTES: int32 length + bytes (a view into the frame). */
  bytes(): Buffer {
    const value = this.nullableBytes();
    if (value === null) throw new ProtocolDecodeError('Null where BYTES are required');
    return value;
  }

  /** NULLABLE_BYTES / RECORDS: int32 length (-1 = null) + bytes. */
  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length === -1) return null;
    if (length < 0) throw new ProtocolDecodeError(`Bad bytes length ${length}`);
    const at = this.take(length);
    return this.buf.subarray(at, at + length);
  }

  /** COMPACT_STRING: uvarint (length + 1) + UTF-8. */
  compactString(): string {
    const value = this.compactNullableString();
    if (value === null) throw new ProtocolDecodeError('Null where a COMPACT_STRING is required');
    return value;
  }

  /** COMPACT_NULLABLE_STRING: uvarint (length + 1, 0 = null) + UTF-8. */
  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.utf8(n - 1);
  }

  /** COMPACT_NULLABLE_BYTES: uvarint (length + 1, 0 = null) + bytes. */
  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const at = this.take(n - 1);
    return this.buf.subarray(at, at + n - 1);
  }

  compactBytes(): Buffer {
    const value = this.compactNullableBytes();
    if (value === null) throw new ProtocolDecodeError('Null where COMPACT_BYTES are required');
    return value;
  }

  private checkCount(count: number): void {
    // Every element takes at least one byte, so a count above the bytes left is a lie.
    if (count > this.remaining) throw new ProtocolDecodeError(`Array of ${count} cannot fit in ${this.remaining} bytes`);
  }

  /** ARRAY: int32 count + elements. */
  array<T>(readItem: (reader: ByteReader) => T): T[] {
    const items = this.nullableArray(readItem);
    if (items === null) throw new ProtocolDecodeError('Null where an ARRAY is required');
    return items;
  }

  /** Nullable ARRAY: int32 count (-1 = null) + elements. */
  nullableArray<T>(readItem: (reader: ByteReader) => T): T[] | null {
    const count = this.int32();
    if (count === -1) return null;
    if (count < 0) throw new ProtocolDecodeError(`Bad array count ${count}`);
    this.checkCount(count);
    const items = new Array<T>(count);
    for (let i = 0; i < count; i++) items[i] = readItem(this);
    return items;
  }

  /** COMPACT_ARRAY: uvarint (count + 1) + elements. */
  compactArray<T>(readItem: (reader: ByteReader) => T): T[] {
    const items = this.compactNullableArray(readItem);
    if (items === null) throw new ProtocolDecodeError('Null where a COMPACT_ARRAY is required');
    return items;
  }

  compactNullableArray<T>(readItem: (reader: ByteReader) => T): T[] | null {
    const n = this.uvarint();
    if (n === 0) return null;
    this.checkCount(n - 1);
    const items = new Array<T>(n - 1);
    for (let i = 0; i < n - 1; i++) items[i] = readItem(this);
    return items;
  }

  /**
   * TAGGED_FIELDS: uvarint count, then (uvarint tag, uvarint size, bytes) each.
   * Returns them by tag; callers that know no tags simply ignore the result.
   */
  taggedFields(): Map<number, Buffer> {
    const count = this.uvarint();
    this.checkCount(count);
    const fields = new Map<number, Buffer>();
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      const at = this.take(size);
      fields.set(tag, this.buf.subarray(at, at + size));
    }
    return fields;
  }

  /** UUID: 16 bytes, returned in canonical lower-case 8-4-4-4-12 form. */
  uuid(): string {
    const at = this.take(UUID_BYTES);
    const hex = this.buf.toString('hex', at, at + UUID_BYTES);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // ---- version-dependent forms: compact when `flexible`, classic otherwise ----

  flexString(): string {
    return this.flexible ? this.compactString() : this.string();
  }

  flexNullableString(): string | null {
    return this.flexible ? this.compactNullableString() : this.nullableString();
  }

  flexBytes(): Buffer {
    return this.flexible ? this.compactBytes() : this.bytes();
  }

  flexNullableBytes(): Buffer | null {
    return this.flexible ? this.compactNullableBytes() : this.nullableBytes();
  }

  flexArray<T>(readItem: (reader: ByteReader) => T): T[] {
    return this.flexible ? this.compactArray(readItem) : this.array(readItem);
  }

  flexNullableArray<T>(readItem: (reader: ByteReader) => T): T[] | null {
    return this.flexible ? this.compactNullableArray(readItem) : this.nullableArray(readItem);
  }

  /** A struct's TAGGED_FIELDS in a flexible version (skipped: we act on no optional tag); nothing otherwise. */
  flexTags(): void {
    if (this.flexible) this.taggedFields();
  }
}

/** Bytes in a Kafka UUID. */
export const UUID_BYTES = 16;
