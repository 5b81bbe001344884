import { writeInt64 } from '@peak/protocol';

/** Size of each scratch chunk the writer fills before starting the next. */
const CHUNK_SIZE = 8 * 1024;
/** Byte fields at least this large are kept as their own chunk instead of being copied. */
const ZERO_COPY_THRESHOLD = 4 * 1024;

/**
 * A growable, chainable writer for Kafka response bodies.
 *
 * Output is a list of chunks: small fields are packed into scratch buffers, while large
 * byte fields (stored record batches in a Fetch response) are appended by reference, so
 * serving stored bytes costs no copy. The caller must not mutate a buffer it passed in
 * until the chunks have been written out. Not thread-safe.
 */
export class ByteWriter {
  private readonly chunks: Buffer[] = [];
  private current: Buffer = Buffer.allocUnsafe(CHUNK_SIZE);
  private pos = 0;
  private flushed = 0;

  /**
   * @param flexible whether the response uses a flexible version (KIP-482): the `flex*`
   *   methods then write compact forms and tagged fields, the classic forms otherwise.
   */
  constructor(readonly flexible = false) {}

  /** Bytes written so far. */
  get length(): number {
    return this.flushed + this.pos;
  }

  private room(n: number): Buffer {
    if (this.pos + n > this.current.length) {
      this.seal();
      this.current = Buffer.allocUnsafe(Math.max(CHUNK_SIZE, n));
    }
    return this.current;
  }

  private seal(): void {
    if (this.pos > 0) {
      this.chunks.push(this.current.subarray(0, this.pos));
      this.flushed += this.pos;
      this.current = this.current.subarray(this.pos);
      this.pos = 0;
    }
  }

  int8(value: number): this {
    this.room(1).writeInt8(value, this.pos);
    this.pos += 1;
    return this;
  }

  boolean(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  int16(value: number): this {
    this.room(2).writeInt16BE(value, this.pos);
    this.pos += 2;
    return this;
  }

  int32(value: number): this {
    this.room(4).writeInt32BE(value, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(value: number): this {
    this.room(4).writeUInt32BE(value >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  int64(value: number): this {
    writeInt64(this.room(8), this.pos, value);
    this.pos += 8;
    return this;
  }

  /** Unsigned base-128 varint (compact lengths, tags). */
  uvarint(value: number): this {
    const buf = this.room(5);
    let v = value;
    while (v >= 0x80) {
      buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[this.pos++] = v;
    return this;
  }

  /** Zig-zag varint (int32). */
  varint(value: number): this {
    return this.uvarint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** Zig-zag varlong (safe-integer range). */
  varlong(value: number): this {
    let v = value >= 0 ? value * 2 : -value * 2 - 1;
    const buf = this.room(10);
    while (v >= 0x80) {
      buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[this.pos++] = v;
    return this;
  }

  /** Raw bytes with no length prefix; large ones are kept by reference. */
  raw(data: Buffer): this {
    if (data.length >= ZERO_COPY_THRESHOLD) {
      this.seal();
      this.chunks.push(data);
      this.flushed += data.length;
      return this;
    }
    data.copy(this.room(data.length), this.pos);
    this.pos += data.length;
    return this;
  }

  /** STRING: int16 length + UTF-8. */
  string(value: string): this {
    const length = Buffer.byteLength(value, 'utf8');
    this.int16(length);
    this.room(length).write(value, this.pos, 'utf8');
    this.pos += length;
    return this;
  }

  /** NULLABLE_STRING: int16 length (-1 = null) + UTF-8. */
  nullableString(value: string | null): this {
    return value === null ? this.int16(-1) : this.string(value);
  }

  /** BYTES: int32 length + bytes. */
  bytes(value: Buffer): this {
    return this.int32(value.length).raw(value);
  }

  /** NULLABLE_BYTES / RECORDS: int32 length (-1 = null) + bytes. */
  nullableBytes(value: Buffer | null): this {
    return value === null ? this.int32(-1) : this.bytes(value);
  }

  /** COMPACT_STRING: uvarint (length + 1) + UTF-8. */
  compactString(value: string): this {
    const length = Buffer.byteLength(value, 'utf8');
    this.uvarint(length + 1);
    this.room(length).write(value, this.pos, 'utf8');
    this.pos += length;
    return this;
  }

  compactNullableString(value: string | null): this {
    return value === null ? this.uvarint(0) : this.compactString(value);
  }

  compactBytes(value: Buffer): this {
    return this.uvarint(value.length + 1).raw(value);
  }

  compactNullableBytes(value: Buffer | null): this {
    return value === null ? this.uvarint(0) : this.compactBytes(value);
  }

  /** ARRAY: int32 count + elements. */
  array<T>(items: readonly T[], writeItem: (writer: this, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  /** Nullable ARRAY: int32 count (-1 = null) + elements. */
  nullableArray<T>(items: readonly T[] | null, writeItem: (writer: this, item: T) => void): this {
    return items === null ? this.int32(-1) : this.array(items, writeItem);
  }

  /** COMPACT_ARRAY: uvarint (count + 1) + elements. */
  compactArray<T>(items: readonly T[], writeItem: (writer: this, item: T) => void): this {
    this.uvarint(items.length + 1);
    for (const item of items) writeItem(this, item);
    return this;
  }

  /** COMPACT_ARRAY that may be null: uvarint (count + 1, 0 = null) + elements. */
  compactNullableArray<T>(items: readonly T[] | null, writeItem: (writer: this, item: T) => void): this {
    return items === null ? this.uvarint(0) : this.compactArray(items, writeItem);
  }

  /** UUID: 16 bytes from the canonical 8-4-4-4-12 form (dashes optional). */
  uuid(value: string): this {
    const hex = value.replace(/-/g, '');
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`Not a UUID: ${value}`);
    Buffer.from(hex, 'hex').copy(this.room(16), this.pos);
    this.pos += 16;
    return this;
  }

  // ---- version-dependent forms: compact when `flexible`, classic otherwise ----

  flexString(value: string): this {
    return this.flexible ? this.compactString(value) : this.string(value);
  }

  flexNullableString(value: string | null): this {
    return this.flexible ? this.compactNullableString(value) : this.nullableString(value);
  }

  flexBytes(value: Buffer): this {
    return this.flexible ? this.compactBytes(value) : this.bytes(value);
  }

  flexNullableBytes(value: Buffer | null): this {
    return this.flexible ? this.compactNullableBytes(value) : this.nullableBytes(value);
  }

  flexArray<T>(items: readonly T[], writeItem: (writer: this, item: T) => void): this {
    return this.flexible ? this.compactArray(items, writeItem) : this.array(items, writeItem);
  }

  /** An empty array in the version's form (no items to hand over, nothing allocated per call). */
  flexEmptyArray(): this {
    return this.flexible ? this.uvarint(1) : this.int32(0);
  }

  flexNullableArray<T>(items: readonly T[] | null, writeItem: (writer: this, item: T) => void): this {
    return this.flexible ? this.compactNullableArray(items, writeItem) : this.nullableArray(items, writeItem);
  }

  /** An empty TAGGED_FIELDS section in a flexible version; nothing otherwise. */
  flexTags(): this {
    return this.flexible ? this.emptyTaggedFields() : this;
  }

  /** An empty TAGGED_FIELDS section (we never send optional tags). */
  emptyTaggedFields(): this {
    return this.uvarint(0);
  }

  /** The written bytes as chunks, in order, for a gathered socket write. */
  toChunks(): Buffer[] {
    this.seal();
    return this.chunks.slice();
  }

  /** The written bytes as one buffer (copies; meant for tests and small messages). */
  toBuffer(): Buffer {
    return Buffer.concat(this.toChunks());
  }
}
