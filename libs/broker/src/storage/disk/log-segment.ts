import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { BatchLayout, readInt64 } from '@peak/protocol';
import { assignOffsets } from '../append-batches';
import { firstOffsetAtOrAfter } from '../batch-timestamp';
import { ScannedBatch, scanBatchHeaders, validateBatches, ValidatedRange } from './batch-scan';
import { DescriptorPool, PooledFile, sharedDescriptorPool } from './descriptor-pool';
import { fdatasyncFile, FileSync } from './file-sync';
import { OffsetIndex } from './offset-index';
import { deleteCrashSafely, INDEX_SUFFIX, LOG_SUFFIX, preadFully, segmentPath } from './segment-files';

/** Smallest read window, so tiny maxBytes values still read in one pread. */
const MIN_READ_WINDOW = 16 * 1024;
/** Copy a read result out of its window when it would waste more than this share of it. */
const COPY_WHEN_USING_LESS_THAN = 0.5;

/** The log file holds bytes that do not frame as batches where they should. */
export class CorruptSegmentError extends Error {
  constructor(file: string, position: number, reason: string) {
    super(`Segment ${file} is corrupt at byte ${position}: ${reason}`);
    this.name = this.constructor.name;
  }
}

/** Where an append into a segment landed. */
export interface SegmentAppend {
  baseOffset: number;
  lastOffset: number;
}

/**
 * One segment of a partition log (Kafka's LogSegment): `<base>.log` holding whole batches
 * back to back, and its sparse OffsetIndex. Appends are one pwrite of the caller's buffer;
 * reads are one pread in the common case. Holds no log bytes in memory. Not thread-safe:
 * the owning DiskLog calls it from one event loop; only sync() runs off the loop.
 */
export class LogSegment {
  /** The .log file, opened on demand through the descriptor pool. */
  private readonly file: PooledFile;
  private size: number;
  private next: number;
  private bytesSinceIndexEntry: number;
  /** Newest batch timestamp; null until known (segments loaded without a scan work it out lazily). */
  private maxTs: number | null;
  private firstBatchTs: number | null = null;
  private syncsInFlight = 0;
  private closeDeferred = false;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    readonly index: OffsetIndex,
    file: PooledFile,
    size: number,
    nextOffset: number,
    maxTimestamp: number | null,
    private indexIntervalBytes: number,
  ) {
    this.file = file;
    this.size = size;
    this.next = nextOffset;
    this.maxTs = maxTimestamp;
    this.bytesSinceIndexEntry = size - index.lastEntry().position;
  }

  /** Creates an empty segment (truncating files of the same base offset if any). */
  static create(dir: string, baseOffset: number, indexIntervalBytes: number, pool: DescriptorPool = sharedDescriptorPool): LogSegment {
    const path = segmentPath(dir, baseOffset, LOG_SUFFIX);
    fs.closeSync(fs.openSync(path, 'w'));
    const index = OffsetIndex.create(segmentPath(dir, baseOffset, INDEX_SUFFIX), baseOffset, pool);
    return new LogSegment(dir, baseOffset, index, new PooledFile(path, 'r+', pool), 0, baseOffset, -1, indexIntervalBytes);
  }

  /** create() with both files created off the event loop, so a slow disk holds up no other request. */
  static async createAsync(dir: string, baseOffset: number, indexIntervalBytes: number, pool: DescriptorPool = sharedDescriptorPool): Promise<LogSegment> {
    const path = segmentPath(dir, baseOffset, LOG_SUFFIX);
    await (await fsp.open(path, 'w')).close();
    const index = await OffsetIndex.createAsync(segmentPath(dir, baseOffset, INDEX_SUFFIX), baseOffset, pool);
    return new LogSegment(dir, baseOffset, index, new PooledFile(path, 'r+', pool), 0, baseOffset, -1, indexIntervalBytes);
  }

  /**
   * Opens an existing segment whose end is known (trusted after a clean shutdown, or found by
   * recovery). `index` is its loaded or rebuilt index. maxTimestamp null = work out lazily.
   */
  static open(
    dir: string,
    baseOffset: number,
    index: OffsetIndex,
    size: number,
    nextOffset: number,
    maxTimestamp: number | null,
    indexIntervalBytes: number,
    pool: DescriptorPool = sharedDescriptorPool,
  ): LogSegment {
    const file = new PooledFile(segmentPath(dir, baseOffset, LOG_SUFFIX), 'r+', pool);
    return new LogSegment(dir, baseOffset, index, file, size, nextOffset, maxTimestamp, indexIntervalBytes);
  }

  get logFile(): string {
    return segmentPath(this.dir, this.baseOffset, LOG_SUFFIX);
  }

  sizeInBytes(): number {
    return this.size;
  }

  /** Offset after the last record in this segment (== baseOffset when empty). */
  nextOffset(): number {
    return this.next;
  }

  setIndexInterval(bytes: number): void {
    this.indexIntervalBytes = bytes;
  }

  /**
   * Assigns offsets to the batches (rewriting their baseOffset in place), adds index entries
   * and writes the whole buffer with one pwrite at the end of the file. The caller has
   * checked the framing (checkAppend). On a write error the file and index are put back.
   */
  append(batches: Buffer): SegmentAppend {
    const baseOffset = this.next;
    const start = this.size;
    const entriesBefore = this.index.entryCount();
    let sinceEntry = this.bytesSinceIndexEntry;
    let maxTs = this.maxTs;
    const interval = this.indexIntervalBytes;
    const next = assignOffsets(batches, baseOffset, (b) => {
      const position = start + b.position;
      if (position > 0 && sinceEntry >= interval) {
        this.index.append(b.baseOffset, position);
        sinceEntry = 0;
      }
      sinceEntry += b.size;
      if (maxTs !== null && b.maxTimestamp > maxTs) maxTs = b.maxTimestamp;
    });
    try {
      let written = 0;
      while (written < batches.length) {
        written += fs.writeSync(this.file.fd(), batches, written, batches.length - written, start + written);
      }
    } catch (err) {
      this.index.truncateEntries(entriesBefore);
      try {
        fs.ftruncateSync(this.file.fd(), start);
      } catch {
        // The write error is the one to report; recovery cuts any tail on the next open.
      }
      throw err;
    }
    if (start === 0) this.firstBatchTs = readInt64(batches, BatchLayout.MAX_TIMESTAMP);
    this.size = start + batches.length;
    this.next = next;
    this.bytesSinceIndexEntry = sinceEntry;
    this.maxTs = maxTs;
    return { baseOffset, lastOffset: next - 1 };
  }

  /**
   * Whole batches starting with the one holding `offset`, up to `maxBytes` but at least one
   * batch; null when `offset` is at or past the end of this segment. One pread when the
   * batch is within one index interval plus maxBytes of its index entry.
   * Throws CorruptSegmentError rather than return bytes that do not frame.
   */
  read(offset: number, maxBytes: number): Buffer | null {
    if (offset >= this.next || this.size === 0) return null;
    const end = this.size;
    let pos = this.index.lookup(offset).position;
    const windowLen = Math.max(maxBytes, MIN_READ_WINDOW) + this.indexIntervalBytes;
    let win = Buffer.allocUnsafe(0);
    let winStart = pos;
    const fill = (from: number): void => {
      const len = Math.min(windowLen, end - from);
      win = Buffer.allocUnsafe(len);
      if (preadFully(this.file.fd(), win, len, from) !== len) throw new CorruptSegmentError(this.logFile, from, 'file shorter than its size');
      winStart = from;
    };
    const batchSize = (at: number): number => {
      const size = win.readInt32BE(at + BatchLayout.BATCH_LENGTH) + BatchLayout.LOG_OVERHEAD;
      if (size < BatchLayout.HEADER_SIZE || winStart + at + size > end) {
        throw new CorruptSegmentError(this.logFile, winStart + at, `batch length ${size} does not fit`);
      }
      return size;
    };

    // Skip forward from the index entry to the batch that holds `offset`.
    fill(pos);
    for (;;) {
      if (pos + BatchLayout.HEADER_SIZE > winStart + win.length) fill(pos);
      const at = pos - winStart;
      const size = batchSize(at);
      const base = readInt64(win, at + BatchLayout.BASE_OFFSET);
      if (base > offset) throw new CorruptSegmentError(this.logFile, pos, `batch ${base} is past offset ${offset}`);
      if (base + win.readInt32BE(at + BatchLayout.LAST_OFFSET_DELTA) >= offset) break;
      pos += size;
      if (pos >= end) throw new CorruptSegmentError(this.logFile, pos, `no batch holds offset ${offset} below ${this.next}`);
    }

    // Take whole batches while they fit in maxBytes and in the window.
    const first = pos;
    let total = 0;
    while (pos < end) {
      if (pos + BatchLayout.HEADER_SIZE > winStart + win.length) {
        if (total > 0) break;
        fill(pos);
      }
      const size = batchSize(pos - winStart);
      if (total > 0 && total + size > maxBytes) break;
      if (pos + size > winStart + win.length) {
        if (total > 0) break;
        // A first batch larger than the window: read exactly that batch.
        const whole = Buffer.allocUnsafe(size);
        if (preadFully(this.file.fd(), whole, size, pos) !== size) throw new CorruptSegmentError(this.logFile, pos, 'file shorter than its size');
        return whole;
      }
      total += size;
      pos += size;
    }
    const result = win.subarray(first - winStart, first - winStart + total);
    return total < win.length * COPY_WHEN_USING_LESS_THAN ? Buffer.from(result) : result;
  }

  /** Visits every batch header in this segment, oldest first (no records read). */
  forEachBatch(visit: (batch: ScannedBatch) => void): void {
    if (this.size > 0) scanBatchHeaders(this.file.fd(), 0, this.size, visit);
  }

  /** Newest batch maxTimestamp in the segment (-1 when empty). Scans headers the first time after a load. */
  maxTimestamp(): number {
    if (this.maxTs === null) {
      let max = -1;
      scanBatchHeaders(this.file.fd(), 0, this.size, (b) => {
        if (b.maxTimestamp > max) max = b.maxTimestamp;
      });
      this.maxTs = max;
    }
    return this.maxTs;
  }

  /** maxTimestamp of the first batch (what segment.ms counts from), or null when empty. */
  firstBatchTimestamp(): number | null {
    if (this.size === 0) return null;
    if (this.firstBatchTs === null) {
      const header = Buffer.allocUnsafe(BatchLayout.HEADER_SIZE);
      preadFully(this.file.fd(), header, BatchLayout.HEADER_SIZE, 0);
      this.firstBatchTs = readInt64(header, BatchLayout.MAX_TIMESTAMP);
    }
    return this.firstBatchTs;
  }

  /** First offset in this segment whose record timestamp is >= `timestamp`, or null. */
  findOffsetByTimestamp(timestamp: number): number | null {
    if (this.maxTimestamp() < timestamp) return null;
    let found: { position: number; size: number } | null = null;
    scanBatchHeaders(this.file.fd(), 0, this.size, (b) => {
      if (b.maxTimestamp < timestamp) return true;
      found = { position: b.position, size: b.size };
      return false;
    });
    if (found === null) return null;
    const { position, size } = found;
    const batch = Buffer.allocUnsafe(size);
    preadFully(this.file.fd(), batch, size, position);
    return firstOffsetAtOrAfter(batch, 0, timestamp);
  }

  /**
   * Recovery after an unclean shutdown: validates every batch (framing, CRC, increasing
   * offsets), cuts the file after the last valid one, and rebuilds the index from what
   * remains. Returns what the validation found (validBytes < the old size means a cut).
   */
  recover(): ValidatedRange {
    const fileSize = fs.fstatSync(this.file.fd()).size;
    let max = -1;
    const entries: Array<[number, number]> = [];
    let sinceEntry = 0;
    const result = validateBatches(this.file.fd(), fileSize, this.baseOffset, (b) => {
      if (b.position > 0 && sinceEntry >= this.indexIntervalBytes) {
        entries.push([b.baseOffset, b.position]);
        sinceEntry = 0;
      }
      sinceEntry += b.size;
      if (b.maxTimestamp > max) max = b.maxTimestamp;
    });
    if (result.validBytes < fileSize) fs.ftruncateSync(this.file.fd(), result.validBytes);
    this.index.truncateEntries(0);
    for (const [offset, position] of entries) this.index.append(offset, position);
    this.index.rewrite();
    // What recovery keeps is synced now, so all of it counts as durable from here on.
    fs.fdatasyncSync(this.file.fd());
    this.index.syncNow();
    this.size = result.validBytes;
    this.next = result.nextOffset;
    this.maxTs = max;
    this.firstBatchTs = null;
    this.bytesSinceIndexEntry = sinceEntry;
    return result;
  }

  /** Persists index entries still in memory (one write). */
  persistIndex(): void {
    this.index.persist();
  }

  /** fdatasyncs the log file (and the index file too when `withIndex`) with `syncFile`, off the event loop. */
  async sync(withIndex: boolean, syncFile: FileSync = fdatasyncFile): Promise<void> {
    if (this.file.isClosed) return;
    this.syncsInFlight++;
    try {
      if (withIndex) this.index.persist();
      // One pinned descriptor at a time (log, then index): holding one while waiting for
      // another could deadlock the descriptor pool.
      const fd = await this.file.pin();
      try {
        await syncFile(fd);
      } finally {
        this.file.unpin();
      }
      if (withIndex) await this.index.sync(syncFile);
    } finally {
      this.syncsInFlight--;
      if (this.syncsInFlight === 0 && this.closeDeferred) this.closeNow();
    }
  }

  /** Persists the index and closes both files (after any sync in flight finishes). */
  close(): void {
    if (this.file.isClosed) return;
    this.index.persist();
    if (this.syncsInFlight > 0) this.closeDeferred = true;
    else this.closeNow();
  }

  /** Closes and deletes both files, renaming each to `.deleted` before unlinking. */
  deleteFiles(): void {
    deleteCrashSafely(this.index.file);
    deleteCrashSafely(this.logFile);
    if (this.syncsInFlight > 0) this.closeDeferred = true;
    else this.closeNow();
  }

  private closeNow(): void {
    if (this.file.isClosed) return;
    this.file.close();
    this.index.close();
  }
}
