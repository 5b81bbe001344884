import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AppendResult, OffsetOutOfRangeError, PartitionLog, ProducerSnapshot, StoredBatchInfo } from '../storage.interface';
import { LogConfig } from '../log-config';
import { checkAppend } from '../append-batches';
import { LogClosedError, LogOfflineError } from '../storage.errors';
import { fdatasyncFile, FileSync } from './file-sync';
import { FlushScheduler } from './flush-scheduler';
import { trimToOffset } from '../trim-batches';
import { LogLoader } from './log-loader';
import { LogSegment } from './log-segment';
import { LogSegments } from './log-segments';
import { loadProducerSnapshot, saveProducerSnapshot } from './producer-snapshot-files';
import { MAX_RELATIVE_OFFSET } from './offset-index';
import { CLEAN_SHUTDOWN_FILE, DELETED_SUFFIX, RECOVERY_POINT_FILE, syncDirectory, writeFileAtomically } from './segment-files';

/** Positions in an index entry are int32, so no segment may pass this many bytes. */
const MAX_SEGMENT_BYTES = 0x7fff_ffff;

/**
 * A partition log on disk, laid out as Kafka lays it out: a directory of segments
 * (`<base>.log` + sparse `<base>.index`), the last one active. Appends are one pwrite,
 * reads one pread; no log bytes are kept in memory. flush() is a group commit through
 * FlushScheduler. Retention deletes whole non-active segments crash-safely.
 *
 * Durability: durableEndOffset() is the end of what the last completed sync covered (the
 * whole log at open: recovery syncs what it keeps). A failed write or sync takes the log
 * offline (LogOfflineError from append, read, flush) until the broker restarts, because a
 * later sync could succeed although the failed pages were dropped.
 * Not thread-safe and not re-entrant: one event loop owns it.
 */
export class DiskLog implements PartitionLog {
  private readonly flusher: FlushScheduler;
  /** Rolled segments not yet synced; the next flush syncs them with the active one. */
  private unsynced: LogSegment[] = [];
  private totalBytes = 0;
  private closed = false;
  private durableEnd: number;
  private offline: LogOfflineError | null = null;
  private durableListener: () => void = () => undefined;

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    private config: LogConfig,
    private readonly segments: LogSegments,
    private recoveryPoint: number,
    private readonly onClose: (log: DiskLog) => void,
    private readonly syncFile: FileSync,
  ) {
    for (const segment of segments.all()) this.totalBytes += segment.sizeInBytes();
    this.flusher = new FlushScheduler(() => this.syncEverything());
    this.durableEnd = segments.active().nextOffset();
  }

  /** Opens (creating or recovering) the log in `dir`. See LogLoader for what recovery does. */
  static open(
    dir: string,
    topic: string,
    partition: number,
    config: LogConfig,
    onClose: (log: DiskLog) => void = () => undefined,
    syncFile: FileSync = fdatasyncFile,
  ): DiskLog {
    const loaded = new LogLoader(dir, config).load();
    return new DiskLog(topic, partition, dir, config, loaded.segments, loaded.recoveryPoint, onClose, syncFile);
  }

  /**
   * A new, empty log in `dir`, a directory the caller has just created (empty): what open()
   * makes of an empty directory, with the first segment's files created off the event loop.
   */
  static async createInEmptyDir(
    dir: string,
    topic: string,
    partition: number,
    config: LogConfig,
    onClose: (log: DiskLog) => void = () => undefined,
    syncFile: FileSync = fdatasyncFile,
  ): Promise<DiskLog> {
    const segments = new LogSegments();
    segments.add(await LogSegment.createAsync(dir, 0, config.indexIntervalBytes));
    return new DiskLog(topic, partition, dir, config, segments, 0, onClose, syncFile);
  }

  logStartOffset(): number {
    return this.segments.first().baseOffset;
  }

  logEndOffset(): number {
    return this.segments.active().nextOffset();
  }

  /** End of what a crash of the machine keeps: moves up when a sync completes. */
  durableEndOffset(): number {
    return this.durableEnd;
  }

  watchDurable(listener: () => void): void {
    this.durableListener = listener;
  }

  isOffline(): boolean {
    return this.offline !== null;
  }

  sizeInBytes(): number {
    return this.totalBytes;
  }

  segmentCount(): number {
    return this.segments.count();
  }

  /** Syncs started by flush() and rolls so far (for tests and metrics). */
  syncCount(): number {
    return this.flusher.syncCount();
  }

  /** One pwrite into the active segment, after rolling a new one if this append would not fit. */
  append(batches: Buffer): AppendResult {
    this.ensureOpen();
    const span = checkAppend(batches, this.config.maxMessageBytes);
    this.maybeRoll(batches.length, span);
    const active = this.segments.active();
    let appended: { baseOffset: number; lastOffset: number };
    try {
      appended = active.append(batches);
    } catch (err) {
      throw this.goOffline(err as Error);
    }
    const { baseOffset, lastOffset } = appended;
    this.totalBytes += batches.length;
    return { baseOffset, lastOffset, logStartOffset: this.logStartOffset() };
  }

  /** Group commit (see FlushScheduler). After close() it resolves at once: close flushed everything. */
  flush(): Promise<void> {
    if (this.offline) return Promise.reject(this.offline);
    if (this.closed) return Promise.resolve();
    return this.flusher.request();
  }

  read(offset: number, maxBytes: number, upTo = this.logEndOffset()): Buffer | null {
    this.ensureOpen();
    const start = this.logStartOffset();
    const end = this.logEndOffset();
    if (offset < start || offset > end) throw new OffsetOutOfRangeError(offset, start, end);
    if (offset >= Math.min(end, upTo)) return null;
    const found = this.readFrom(offset, maxBytes);
    return found && upTo < end ? trimToOffset(found, upTo) : found;
  }

  private readFrom(offset: number, maxBytes: number): Buffer | null {
    // A segment cut by recovery may end before the next begins: move on past such a gap.
    for (let segment = this.segments.floor(offset); segment; segment = this.segments.higher(segment.baseOffset)) {
      const found = segment.read(Math.max(offset, segment.baseOffset), maxBytes);
      if (found) return found;
    }
    return null;
  }

  offsetForTimestamp(timestamp: number): number | null {
    this.ensureOpen();
    for (const segment of this.segments.all()) {
      const found = segment.findOffsetByTimestamp(timestamp);
      if (found !== null) return Math.max(found, this.logStartOffset());
    }
    return null;
  }

  applyRetention(nowMs: number): number {
    if (this.offline) return 0;
    this.ensureOpen();
    const { retentionMs, retentionBytes } = this.config;
    let deleted = 0;
    while (this.segments.count() > 1) {
      const oldest = this.segments.first();
      const expired = retentionMs >= 0 && oldest.maxTimestamp() < nowMs - retentionMs;
      const oversize = retentionBytes >= 0 && this.totalBytes > retentionBytes;
      if (!expired && !oversize) break;
      this.segments.removeFirst();
      this.unsynced = this.unsynced.filter((s) => s !== oldest);
      this.totalBytes -= oldest.sizeInBytes();
      oldest.deleteFiles();
      deleted++;
    }
    return deleted;
  }

  scanBatches(fromOffset: number, visit: (batch: StoredBatchInfo) => void): void {
    this.ensureOpen();
    const from = Math.max(fromOffset, this.logStartOffset());
    for (let segment = this.segments.floor(from); segment; segment = this.segments.higher(segment.baseOffset)) {
      segment.forEachBatch((b) => {
        if (b.lastOffset >= from) visit(b);
      });
    }
  }

  loadSnapshot(): ProducerSnapshot | null {
    this.ensureOpen();
    return loadProducerSnapshot(this.dir, this.logEndOffset());
  }

  saveSnapshot(snapshot: ProducerSnapshot): void {
    this.ensureOpen();
    saveProducerSnapshot(this.dir, snapshot);
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
    this.segments.active().setIndexInterval(config.indexIntervalBytes);
  }

  /** Final flush, indexes persisted and synced, files closed, clean-shutdown marker written. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.offline) {
      // No final flush and no clean-shutdown marker: the next open recovers the log.
      this.closed = true;
      await this.flusher.idle();
      for (const segment of this.segments.all()) segment.close();
      this.onClose(this);
      return;
    }
    await this.flusher.request();
    this.closed = true;
    await this.flusher.idle();
    // Rolled segments were synced (log and index) by the flush; the active index is the one left.
    await this.segments.active().sync(true);
    const segments = this.segments.all();
    for (const segment of segments) segment.close();
    this.writeRecoveryPoint(this.segments.active().baseOffset);
    fs.writeFileSync(path.join(this.dir, CLEAN_SHUTDOWN_FILE), '');
    this.onClose(this);
  }

  /** Closes the files and removes the directory (renamed to `.deleted` first, so a crash cannot revive it). */
  async delete(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.flusher.idle();
      for (const segment of this.segments.all()) segment.close();
      this.onClose(this);
    }
    // Off the event loop: on a loaded disk a rename or an unlink can take 100 ms.
    const doomed = `${this.dir}.${Date.now()}${DELETED_SUFFIX}`;
    await fsp.rename(this.dir, doomed);
    await fsp.rm(doomed, { recursive: true, force: true });
  }

  private maybeRoll(bytes: number, offsets: number): void {
    const active = this.segments.active();
    if (active.sizeInBytes() === 0) return;
    const segmentBytes = Math.min(this.config.segmentBytes, MAX_SEGMENT_BYTES);
    const full = active.sizeInBytes() + bytes > segmentBytes;
    const firstTs = active.firstBatchTimestamp();
    const old = this.config.segmentMs >= 0 && firstTs !== null && Date.now() - firstTs > this.config.segmentMs;
    const offsetOverflow = active.nextOffset() + offsets - 1 - active.baseOffset > MAX_RELATIVE_OFFSET;
    if (full || old || offsetOverflow) this.roll();
  }

  /** Starts a new active segment at the log end; the old one is synced by the next flush (started now). */
  private roll(): void {
    const old = this.segments.active();
    old.persistIndex();
    this.segments.add(LogSegment.create(this.dir, old.nextOffset(), this.config.indexIntervalBytes));
    this.unsynced.push(old);
    // Like Kafka's flush on roll: the old segment reaches disk soon even if nobody calls flush().
    this.flusher.request().catch(() => undefined);
  }

  /**
   * One group commit: the rolled segments not yet synced (log + index) and the active log
   * file, in parallel. Afterwards everything below the active segment's base is durable, so
   * the recovery point moves there.
   */
  private async syncEverything(): Promise<void> {
    if (this.offline) throw this.offline;
    const rolled = this.unsynced;
    this.unsynced = [];
    const active = this.segments.active();
    const covered = this.logEndOffset();
    try {
      await Promise.all([...rolled.map((s) => s.sync(true, this.syncFile)), active.sync(false, this.syncFile)]);
    } catch (err) {
      this.unsynced = [...rolled, ...this.unsynced];
      throw this.goOffline(err as Error);
    }
    if (covered > this.durableEnd) {
      this.durableEnd = covered;
      this.durableListener();
    }
    if (rolled.length > 0 && active.baseOffset > this.recoveryPoint && !this.closed) {
      syncDirectory(this.dir);
      this.writeRecoveryPoint(active.baseOffset);
    }
  }

  private writeRecoveryPoint(offset: number): void {
    this.recoveryPoint = offset;
    writeFileAtomically(path.join(this.dir, RECOVERY_POINT_FILE), String(offset));
  }

  /** Fences the log after a storage failure; returns the error to throw. */
  private goOffline(cause: Error): LogOfflineError {
    if (cause instanceof LogOfflineError) return cause;
    this.offline ??= new LogOfflineError(this.topic, this.partition, cause);
    return this.offline;
  }

  /** Throws after close(), and (LogOfflineError) after a storage failure. */
  private ensureOpen(): void {
    if (this.closed) throw new LogClosedError(this.topic, this.partition);
    if (this.offline) throw this.offline;
  }
}
