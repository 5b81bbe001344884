import * as fs from 'node:fs';
import * as path from 'node:path';
import { LogConfig } from '../log-config';
import { scanBatchHeaders } from './batch-scan';
import { CorruptIndexError, OffsetIndex } from './offset-index';
import { LogSegment } from './log-segment';
import { LogSegments } from './log-segments';
import {
  CLEAN_SHUTDOWN_FILE,
  DELETED_SUFFIX,
  INDEX_SUFFIX,
  LOG_SUFFIX,
  parseSegmentFileName,
  preadFully,
  RECOVERY_POINT_FILE,
  segmentPath,
  SWAP_SUFFIX,
  syncDirectory,
  TMP_SUFFIX,
} from './segment-files';
import { BatchLayout, readInt64 } from '@peak/protocol';

/** What loading a log directory found and did. */
export interface LoadedLog {
  segments: LogSegments;
  /** Offset below which every segment was known to be on stable storage. */
  recoveryPoint: number;
  /** True when the directory held the clean-shutdown marker. */
  cleanShutdown: boolean;
  /** One line per repair (cut tail, rebuilt index, deleted leftover), for logs and tests. */
  repairs: string[];
}

/**
 * Opens a log directory and makes it consistent (Kafka's LogLoader). Removes leftover
 * `.deleted`, `.swap` and temp files. After a clean shutdown (marker present) the files are
 * trusted and only checked cheaply: each index for shape and against the log, the active
 * segment's tail from its last index entry. After an unclean one, every segment from the one
 * holding the recovery point to the end is validated batch by batch (CRC, length, increasing
 * offsets); the log is cut after the last valid batch, later segments are deleted, and the
 * indexes of recovered segments are rebuilt. Segments before the recovery point were synced
 * before it was written and are trusted. Any index that fails its check is rebuilt.
 * Removes the marker (durably) before returning, so a crash from now on counts as unclean.
 */
export class LogLoader {
  private readonly repairs: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly config: LogConfig,
  ) {}

  load(): LoadedLog {
    fs.mkdirSync(this.dir, { recursive: true });
    const names = fs.readdirSync(this.dir);
    this.removeLeftovers(names);
    const marker = path.join(this.dir, CLEAN_SHUTDOWN_FILE);
    const cleanShutdown = fs.existsSync(marker);
    if (cleanShutdown) {
      fs.unlinkSync(marker);
      syncDirectory(this.dir);
    }
    const bases = this.segmentBases(names);
    const recoveryPoint = this.readRecoveryPoint();
    const segments = new LogSegments();
    if (bases.length === 0) {
      segments.add(LogSegment.create(this.dir, 0, this.config.indexIntervalBytes));
      return { segments, recoveryPoint, cleanShutdown, repairs: this.repairs };
    }

    // Unclean: validate from the segment that held the recovery point (or the first one).
    let recoverFrom = Number.POSITIVE_INFINITY;
    if (!cleanShutdown) {
      recoverFrom = bases[0];
      for (const base of bases) if (base <= recoveryPoint) recoverFrom = base;
    }

    for (let i = 0; i < bases.length; i++) {
      const base = bases[i];
      const isLast = i === bases.length - 1;
      const segment = base >= recoverFrom ? this.recoverSegment(base) : this.openTrusted(base, isLast ? null : bases[i + 1]);
      segments.add(segment);
      if (this.cutSegments.has(segment)) {
        // Nothing after a cut can be trusted to follow on: drop the later segments.
        for (const later of bases.slice(i + 1)) this.deleteSegmentFiles(later, 'after a cut log');
        break;
      }
    }
    return { segments, recoveryPoint, cleanShutdown, repairs: this.repairs };
  }

  /** Segments whose recovery cut a tail. */
  private readonly cutSegments = new Set<LogSegment>();

  /** Full validation of one segment; cuts a torn or corrupt tail and rebuilds the index. */
  private recoverSegment(base: number): LogSegment {
    const indexFile = segmentPath(this.dir, base, INDEX_SUFFIX);
    const segment = LogSegment.open(this.dir, base, OffsetIndex.create(indexFile, base), 0, base, null, this.config.indexIntervalBytes);
    const before = fs.statSync(segment.logFile).size;
    const result = segment.recover();
    if (result.stopReason !== null) {
      this.cutSegments.add(segment);
      this.repairs.push(`cut ${path.basename(segment.logFile)} from ${before} to ${result.validBytes} bytes: ${result.stopReason}`);
    }
    return segment;
  }

  /** Opens a segment without validating its batches; checks (or rebuilds) its index and finds the end. */
  private openTrusted(base: number, nextBase: number | null): LogSegment {
    let index: OffsetIndex | null = null;
    let next: number | null = null;
    let logSize = 0;
    try {
      ({ index, next, logSize } = this.checkTrusted(base, nextBase));
    } finally {
      this.closeFd();
    }
    if (!index || next === null) return this.recoverSegment(base);
    return LogSegment.open(this.dir, base, index, logSize, next, null, this.config.indexIntervalBytes);
  }

  /** The index and end offset of a trusted segment, or nulls when it must be recovered instead. */
  private checkTrusted(base: number, nextBase: number | null): { index: OffsetIndex | null; next: number | null; logSize: number } {
    const logSize = fs.statSync(segmentPath(this.dir, base, LOG_SUFFIX)).size;
    const index = this.loadIndex(base, logSize) ?? this.rebuildIndex(base, logSize);
    if (!index) return { index: null, next: null, logSize };
    let next = nextBase;
    if (next === null) {
      // Active segment: its end offset is after the last batch; walk from the last index entry.
      const from = index.lastEntry();
      let last = from.offset - 1;
      const stopped = scanBatchHeaders(this.fd(base), from.position, logSize, (b) => {
        last = b.lastOffset;
      });
      if (stopped !== logSize) {
        index.close();
        return { index: null, next: null, logSize };
      }
      next = logSize === 0 ? base : last + 1;
    }
    return { index, next, logSize };
  }

  /** The index of a segment if present and consistent with its log, else null. */
  private loadIndex(base: number, logSize: number): OffsetIndex | null {
    const file = segmentPath(this.dir, base, INDEX_SUFFIX);
    if (!fs.existsSync(file)) {
      this.repairs.push(`rebuilt missing ${path.basename(file)}`);
      return null;
    }
    let index: OffsetIndex;
    try {
      index = OffsetIndex.load(file, base, logSize);
    } catch (err) {
      if (!(err instanceof CorruptIndexError)) throw err;
      this.repairs.push(`rebuilt ${path.basename(file)}: ${err.message}`);
      return null;
    }
    const last = index.lastEntry();
    if (index.entryCount() > 0 && this.baseOffsetAt(base, last.position) !== last.offset) {
      index.close();
      this.repairs.push(`rebuilt ${path.basename(file)}: last entry does not point at its batch`);
      return null;
    }
    return index;
  }

  /** A new index from the batch headers, or null when the headers do not reach the end of the file. */
  private rebuildIndex(base: number, logSize: number): OffsetIndex | null {
    const index = OffsetIndex.create(segmentPath(this.dir, base, INDEX_SUFFIX), base);
    let sinceEntry = 0;
    const stopped = scanBatchHeaders(this.fd(base), 0, logSize, (b) => {
      if (b.position > 0 && sinceEntry >= this.config.indexIntervalBytes) {
        index.append(b.baseOffset, b.position);
        sinceEntry = 0;
      }
      sinceEntry += b.size;
    });
    if (stopped !== logSize) {
      index.close();
      return null;
    }
    index.rewrite();
    index.syncNow();
    return index;
  }

  private baseOffsetAt(base: number, position: number): number {
    const header = Buffer.alloc(BatchLayout.HEADER_SIZE);
    if (preadFully(this.fd(base), header, BatchLayout.HEADER_SIZE, position) < BatchLayout.HEADER_SIZE) return -1;
    return readInt64(header, BatchLayout.BASE_OFFSET);
  }

  private openFd = -1;
  private openFdBase = -1;

  /** A read-only descriptor of the segment being checked (kept while checking one segment). */
  private fd(base: number): number {
    if (this.openFdBase !== base) {
      this.closeFd();
      this.openFd = fs.openSync(segmentPath(this.dir, base, LOG_SUFFIX), 'r');
      this.openFdBase = base;
    }
    return this.openFd;
  }

  private closeFd(): void {
    if (this.openFd >= 0) fs.closeSync(this.openFd);
    this.openFd = -1;
    this.openFdBase = -1;
  }

  private segmentBases(names: string[]): number[] {
    const bases = new Set<number>();
    for (const name of names) {
      const base = parseSegmentFileName(name, LOG_SUFFIX);
      if (base !== null) bases.add(base);
    }
    for (const name of names) {
      const base = parseSegmentFileName(name, INDEX_SUFFIX);
      if (base !== null && !bases.has(base)) {
        fs.unlinkSync(path.join(this.dir, name));
        this.repairs.push(`deleted ${name} without a log`);
      }
    }
    return [...bases].sort((a, b) => a - b);
  }

  private removeLeftovers(names: string[]): void {
    for (const name of names) {
      if (name.endsWith(DELETED_SUFFIX) || name.endsWith(SWAP_SUFFIX) || name.endsWith(TMP_SUFFIX)) {
        fs.rmSync(path.join(this.dir, name), { force: true, recursive: true });
        this.repairs.push(`deleted leftover ${name}`);
      }
    }
  }

  private deleteSegmentFiles(base: number, why: string): void {
    for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX]) {
      fs.rmSync(segmentPath(this.dir, base, suffix), { force: true });
    }
    this.repairs.push(`deleted segment ${base} ${why}`);
  }

  private readRecoveryPoint(): number {
    try {
      const value = Number(fs.readFileSync(path.join(this.dir, RECOVERY_POINT_FILE), 'utf8').trim());
      return Number.isSafeInteger(value) && value >= 0 ? value : 0;
    } catch {
      return 0;
    }
  }
}
