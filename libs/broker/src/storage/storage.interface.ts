import { LogConfig } from './log-config';

/** Where an append landed. */
export interface AppendResult {
  /** Offset given to the first record appended. */
  baseOffset: number;
  /** Offset given to the last record appended. */
  lastOffset: number;
  logStartOffset: number;
}

/** The header fields of one stored batch that idempotent-producer state is rebuilt from. */
export interface StoredBatchInfo {
  baseOffset: number;
  lastOffset: number;
  /** -1 for batches of non-idempotent producers. */
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

/** A producer-state snapshot kept with a log: it covers every batch below `offset`. */
export interface ProducerSnapshot {
  offset: number;
  data: Buffer;
}

/**
 * The log of one topic-partition: an append-only sequence of RecordBatch v2 batches,
 * addressed by offset. Implemented on disk (segments + sparse index) and in memory; both
 * pass the same conformance suite (libs/broker/test/storage-conformance.ts).
 *
 * Not thread-safe and not re-entrant: one broker event loop owns it. Methods other than
 * flush() and close() are synchronous on purpose: an append is one write(2) and a read is
 * one pread(2), and keeping them off the libuv pool keeps offsets strictly ordered.
 */
export interface PartitionLog {
  readonly topic: string;
  readonly partition: number;

  /** First offset still held (moves up when retention deletes segments). */
  logStartOffset(): number;
  /** Offset the next record will get (one past the last record). */
  logEndOffset(): number;
  /**
   * End of what survives a crash of the machine: records below it were fdatasync'd (on disk)
   * or are simply all records (memory, where nothing survives anyway). Fetch serves up to it.
   */
  durableEndOffset(): number;
  /** Calls `listener` whenever durableEndOffset() moves up without an append (a sync completed). One listener. */
  watchDurable(listener: () => void): void;
  /** True after a storage failure took the log offline (until the broker restarts). */
  isOffline(): boolean;
  /** Bytes of batches held. */
  sizeInBytes(): number;
  /** Number of segments (always 1 for the memory log). */
  segmentCount(): number;

  /**
   * Appends one or more concatenated, already-validated batches. Rewrites each batch's
   * baseOffset in place to the next offsets, then writes. When this returns the bytes are
   * in the OS page cache (they survive a crash of this process, not of the machine).
   * Rolls a new segment first when the active one would pass segmentBytes or segmentMs.
   */
  append(batches: Buffer): AppendResult;

  /**
   * Resolves once everything appended before the call is on stable storage (fdatasync).
   * Callers that arrive while a sync is running share the next one (group commit), so N
   * concurrent acks=-1 producers cost about one sync, not N. The memory log resolves at once.
   * Rejects with LogOfflineError when the sync failed (the log is then offline).
   */
  flush(): Promise<void>;

  /**
   * Whole batches starting with the one that holds `offset`, up to `maxBytes` but always at
   * least one whole batch (so a batch larger than maxBytes still makes progress, as in
   * Kafka), and only batches that start below `upTo` (default: the log end; a batch
   * boundary). Never returns a partial batch. Returns null when offset >= min(upTo, logEndOffset()).
   * Throws OffsetOutOfRangeError when offset < logStartOffset() or > logEndOffset().
   * Bytes are read from the segment file, so the backlog never has to fit in memory.
   */
  read(offset: number, maxBytes: number, upTo?: number): Buffer | null;

  /** The earliest offset whose record timestamp is >= timestamp, or null if none. */
  offsetForTimestamp(timestamp: number): number | null;

  /**
   * Deletes whole segments (never the active one) that are past retentionMs (by their newest
   * batch's maxTimestamp) or that keep the log above retentionBytes. Returns how many.
   */
  applyRetention(nowMs: number): number;

  /**
   * Visits the header of every batch from the one holding `fromOffset` (or the log start, if
   * later) to the log end, oldest first, without reading records (rebuilding producer state).
   */
  scanBatches(fromOffset: number, visit: (batch: StoredBatchInfo) => void): void;

  /** The newest producer-state snapshot that does not reach past the log end, or null (memory: always null). */
  loadSnapshot(): ProducerSnapshot | null;

  /** Keeps `snapshot` with the log durably, replacing older ones (memory: does nothing). */
  saveSnapshot(snapshot: ProducerSnapshot): void;

  /** Applies changed settings (retention, segment size) from now on. */
  updateConfig(config: LogConfig): void;

  /** Flushes and releases file handles. The log is unusable afterwards. */
  close(): Promise<void>;
  /** Closes and removes every file of this log. */
  delete(): Promise<void>;
}

/** A place to keep partition logs: a data directory, or memory. */
export interface LogStorage {
  readonly kind: 'disk' | 'memory';
  /**
   * Opens the log of a topic-partition, creating it if new and recovering it if it was not
   * closed cleanly (validate from the last known-good point, cut a torn or corrupt tail,
   * rebuild an index that does not match the log).
   */
  openLog(topic: string, partition: number, config: LogConfig): PartitionLog;
  /**
   * openLog() without blocking the event loop on the file system where the storage can (a new
   * log's directory and files); optional, callers fall back to openLog().
   */
  openLogAsync?(topic: string, partition: number, config: LogConfig): Promise<PartitionLog>;
  /** Topic-partitions that already have a log here (found when the storage opened). */
  existingLogs(): Array<{ topic: string; partition: number }>;
  /**
   * Makes the logs created and deleted so far survive a crash of the machine (directory
   * fsyncs on disk; nothing in memory). Call before acknowledging a topic's creation or deletion.
   */
  syncDirectories(): Promise<void>;
  close(): Promise<void>;
}

export class OffsetOutOfRangeError extends Error {
  constructor(
    readonly offset: number,
    readonly logStartOffset: number,
    readonly logEndOffset: number,
  ) {
    super(`Offset ${offset} is outside the log [${logStartOffset}, ${logEndOffset}]`);
    this.name = this.constructor.name;
  }
}
