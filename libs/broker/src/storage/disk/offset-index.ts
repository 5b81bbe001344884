import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { DescriptorPool, PooledFile, sharedDescriptorPool } from './descriptor-pool';
import { fdatasyncFile, FileSync } from './file-sync';

/** One entry: 4-byte offset relative to the segment's base, 4-byte position in the .log file. */
export const INDEX_ENTRY_BYTES = 8;
/** Largest relative offset an entry can hold; a segment rolls before passing it. */
export const MAX_RELATIVE_OFFSET = 0x7fff_ffff;
const INITIAL_CAPACITY = 64;

/** An index file that cannot be trusted: wrong size, entries out of order, or past the log. */
export class CorruptIndexError extends Error {
  constructor(file: string, reason: string) {
    super(`Index ${file} is corrupt: ${reason}`);
    this.name = this.constructor.name;
  }
}

/** An index lookup result: the batch starting at `position` has base offset `offset`. */
export interface IndexEntry {
  offset: number;
  position: number;
}

/**
 * Sparse offset index of one segment (Kafka's OffsetIndex): an entry every
 * index.interval.bytes of log, mapping a batch's base offset to its file position. Entries
 * live in a typed array (8 bytes each) and are appended to `<base>.index` by persist();
 * they carry no checksum, so recovery rebuilds the index from the log when in doubt.
 * Not thread-safe.
 */
export class OffsetIndex {
  /** Pairs [relativeOffset, position]. */
  private entries: Int32Array;
  private count: number;
  /** Entries already written to the file. */
  private persisted: number;
  /** Opened on demand through the descriptor pool (appends only). */
  private readonly handle: PooledFile;

  private constructor(
    readonly file: string,
    readonly baseOffset: number,
    entries: Int32Array,
    count: number,
    pool: DescriptorPool,
  ) {
    this.entries = entries;
    this.count = count;
    this.persisted = count;
    this.handle = new PooledFile(file, 'a', pool);
  }

  /** A new empty index, truncating any file already at `file`. */
  static create(file: string, baseOffset: number, pool: DescriptorPool = sharedDescriptorPool): OffsetIndex {
    fs.closeSync(fs.openSync(file, 'w'));
    return new OffsetIndex(file, baseOffset, new Int32Array(INITIAL_CAPACITY * 2), 0, pool);
  }

  /** create() with the file created off the event loop (a loaded disk can hold a file creation for 100 ms). */
  static async createAsync(file: string, baseOffset: number, pool: DescriptorPool = sharedDescriptorPool): Promise<OffsetIndex> {
    await (await fsp.open(file, 'w')).close();
    return new OffsetIndex(file, baseOffset, new Int32Array(INITIAL_CAPACITY * 2), 0, pool);
  }

  /**
   * Loads `file` and checks it cheaply: whole entries, strictly increasing offsets and
   * positions, every position inside a log of `logSize` bytes. Throws CorruptIndexError.
   */
  static load(file: string, baseOffset: number, logSize: number, pool: DescriptorPool = sharedDescriptorPool): OffsetIndex {
    const bytes = fs.readFileSync(file);
    if (bytes.length % INDEX_ENTRY_BYTES !== 0) {
      throw new CorruptIndexError(file, `${bytes.length} bytes is not a whole number of entries`);
    }
    const count = bytes.length / INDEX_ENTRY_BYTES;
    const entries = new Int32Array(Math.max(INITIAL_CAPACITY, count) * 2);
    let lastOffset = -1;
    let lastPosition = 0;
    for (let i = 0; i < count; i++) {
      const rel = bytes.readInt32BE(i * INDEX_ENTRY_BYTES);
      const pos = bytes.readInt32BE(i * INDEX_ENTRY_BYTES + 4);
      if (rel <= lastOffset || pos <= lastPosition || pos >= logSize) {
        throw new CorruptIndexError(file, `entry ${i} (${rel}, ${pos}) is out of order or past the log`);
      }
      entries[i * 2] = rel;
      entries[i * 2 + 1] = pos;
      lastOffset = rel;
      lastPosition = pos;
    }
    return new OffsetIndex(file, baseOffset, entries, count, pool);
  }

  entryCount(): number {
    return this.count;
  }

  lastEntry(): IndexEntry {
    if (this.count === 0) return { offset: this.baseOffset, position: 0 };
    const i = (this.count - 1) * 2;
    return { offset: this.baseOffset + this.entries[i], position: this.entries[i + 1] };
  }

  /**
   * Adds an entry for the batch at `position` with base offset `offset`; both must be past
   * the last entry. In memory only until persist().
   */
  append(offset: number, position: number): void {
    const rel = offset - this.baseOffset;
    if (rel < 0 || rel > MAX_RELATIVE_OFFSET) throw new RangeError(`Offset ${offset} does not fit segment ${this.baseOffset}`);
    if (this.count > 0) {
      const last = (this.count - 1) * 2;
      if (rel <= this.entries[last] || position <= this.entries[last + 1]) {
        throw new RangeError(`Index entry (${offset}, ${position}) is not after the last one`);
      }
    }
    if (this.count * 2 === this.entries.length) {
      const grown = new Int32Array(this.entries.length * 2);
      grown.set(this.entries);
      this.entries = grown;
    }
    this.entries[this.count * 2] = rel;
    this.entries[this.count * 2 + 1] = position;
    this.count++;
  }

  /**
   * The greatest entry whose offset is <= `target` (binary search), or the segment start
   * (base offset, position 0) when there is none.
   */
  lookup(target: number): IndexEntry {
    const rel = target - this.baseOffset;
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid * 2] <= rel) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return { offset: this.baseOffset, position: 0 };
    return { offset: this.baseOffset + this.entries[found * 2], position: this.entries[found * 2 + 1] };
  }

  /** Drops entries after the first `count` (used when an append fails). */
  truncateEntries(count: number): void {
    if (count >= this.count) return;
    this.count = count;
    if (this.persisted > count) this.rewrite();
  }

  /** Appends the entries not yet in the file with one write. Synchronous; not a sync to disk. */
  persist(): void {
    if (this.persisted === this.count) return;
    const n = this.count - this.persisted;
    const out = Buffer.allocUnsafe(n * INDEX_ENTRY_BYTES);
    for (let i = 0; i < n; i++) {
      out.writeInt32BE(this.entries[(this.persisted + i) * 2], i * INDEX_ENTRY_BYTES);
      out.writeInt32BE(this.entries[(this.persisted + i) * 2 + 1], i * INDEX_ENTRY_BYTES + 4);
    }
    fs.writeSync(this.handle.fd(), out);
    this.persisted = this.count;
  }

  /** Replaces the whole file with the entries in memory (after a rebuild). */
  rewrite(): void {
    fs.ftruncateSync(this.handle.fd(), 0);
    this.persisted = 0;
    this.persist();
  }

  /** fdatasyncs the index file (call persist() first). Resolves when done. */
  async sync(syncFile: FileSync = fdatasyncFile): Promise<void> {
    const fd = await this.handle.pin();
    try {
      await syncFile(fd);
    } finally {
      this.handle.unpin();
    }
  }

  syncNow(): void {
    fs.fdatasyncSync(this.handle.fd());
  }

  close(): void {
    this.handle.close();
  }
}
