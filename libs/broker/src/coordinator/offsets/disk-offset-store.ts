import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { encodeOffsetRecord, OffsetLogRecord, scanOffsetLog } from './offset-record.codec';
import { OffsetStoreClosedError, OffsetStoreFailedError } from './offset-store.errors';
import { CommittedOffset, OffsetCommitEntry, OffsetStore } from './offset-store.interface';
import { OffsetTable } from './offset-table';

export const OFFSETS_FILE_NAME = 'consumer-offsets.log';
const COMPACT_SUFFIX = '.compact';

/** Never compact a log smaller than this. */
export const DEFAULT_COMPACT_MIN_BYTES = 4 * 1024 * 1024;
/** Compact when the log is this many times larger than its live records. */
export const DEFAULT_COMPACT_RATIO = 4;
/** Chunk size when rewriting the live set. */
const COMPACT_WRITE_CHUNK_BYTES = 1024 * 1024;

export interface DiskOffsetStoreOptions {
  compactMinBytes: number;
  compactRatio: number;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/** Records written together, applied to the live set once their sync succeeded. */
interface PendingRecords {
  records: OffsetLogRecord[];
}

/**
 * Offsets in one append-only file of CRC-framed records (offset-record.codec.ts) under a
 * data directory, with the live set in memory.
 *
 * Durability: a mutation's promise resolves after its record is written and fdatasync'd,
 * and only then does it show in get()/list() (OffsetFetch never reports an offset that a
 * crash could take back).
 * Group commit: records that arrive while a write+sync is running are written together by
 * the next one, so N concurrent commits cost about two syncs, not N.
 * Recovery: open() replays the valid prefix and truncates a torn or corrupt tail.
 * Compaction: when the file is compactRatio times larger than the live set (and at least
 * compactMinBytes), the live set is written to a side file, synced and renamed over the log
 * (then the directory is synced), so a crash leaves either the old or the new file whole.
 * Not thread-safe: one event loop owns it.
 */
export class DiskOffsetStore implements OffsetStore {
  private pending: Buffer[] = [];
  private pendingRecords: PendingRecords[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | null = null;
  private failure: OffsetStoreFailedError | null = null;
  private closed = false;
  /** Don't recount live bytes before the file reaches this size again. */
  private nextCompactionCheckBytes: number;

  private constructor(
    private readonly filePath: string,
    private handle: fsp.FileHandle,
    private fileBytes: number,
    private readonly table: OffsetTable,
    private readonly options: DiskOffsetStoreOptions,
  ) {
    this.nextCompactionCheckBytes = options.compactMinBytes;
  }

  /** Opens (creating if needed) the offsets log in `dir`, replays it and compacts it if due. */
  static async open(dir: string, options: Partial<DiskOffsetStoreOptions> = {}): Promise<DiskOffsetStore> {
    const resolved: DiskOffsetStoreOptions = {
      compactMinBytes: options.compactMinBytes ?? DEFAULT_COMPACT_MIN_BYTES,
      compactRatio: options.compactRatio ?? DEFAULT_COMPACT_RATIO,
    };
    await fsp.mkdir(dir, { recursive: true });
    const filePath = path.join(dir, OFFSETS_FILE_NAME);
    await fsp.rm(filePath + COMPACT_SUFFIX, { force: true });

    const table = new OffsetTable();
    let created = false;
    const data = await fsp.readFile(filePath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      created = true;
      return Buffer.alloc(0);
    });
    const scan = scanOffsetLog(data);
    for (const record of scan.records) table.apply(record);

    const handle = await fsp.open(filePath, 'a');
    // A new file's name is durable only once its directory is synced.
    if (created) await syncDirectory(dir);
    if (scan.validBytes < data.length) {
      await handle.truncate(scan.validBytes);
      await handle.datasync();
    }
    const store = new DiskOffsetStore(filePath, handle, scan.validBytes, table, resolved);
    await store.compactIfDue();
    return store;
  }

  /** Bytes in the offsets file (for tests and metrics). */
  sizeInBytes(): number {
    return this.fileBytes;
  }

  groupIds(): string[] {
    return this.table.groupIds();
  }

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.table.get(groupId, topic, partition);
  }

  list(groupId: string): OffsetCommitEntry[] {
    return this.table.list(groupId);
  }

  commit(groupId: string, entries: OffsetCommitEntry[]): Promise<void> {
    return this.append(entries.map(entry => ({ type: 'commit', groupId, ...entry })));
  }

  deleteGroup(groupId: string): Promise<void> {
    return this.append([{ type: 'deleteGroup', groupId }]);
  }

  deleteTopic(topic: string): Promise<void> {
    return this.append([{ type: 'deleteTopic', topic }]);
  }

  /** Waits until every accepted mutation is durable (or failed), then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.handle.close();
  }

  private append(records: OffsetLogRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new OffsetStoreClosedError());
    if (this.failure) return Promise.reject(this.failure);
    let encoded: Buffer[];
    try {
      encoded = records.map(encodeOffsetRecord);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.pendingRecords.push({ records });
    this.pending.push(...encoded);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.startFlush();
    });
  }

  private startFlush(): void {
    if (this.flushing) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      if (this.pending.length > 0) this.startFlush();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.pending.length > 0 && !this.failure) {
      const data = Buffer.concat(this.pending);
      const waiters = this.waiters;
      const written = this.pendingRecords;
      this.pending = [];
      this.pendingRecords = [];
      this.waiters = [];
      try {
        await this.writeAll(this.handle, data);
        await this.handle.datasync();
        this.fileBytes += data.length;
      } catch (error) {
        this.fail(new OffsetStoreFailedError(`writing ${this.filePath} failed`, error), waiters);
        return;
      }
      for (const { records } of written) for (const record of records) this.table.apply(record);
      for (const waiter of waiters) waiter.resolve();
      try {
        await this.compactIfDue();
      } catch (error) {
        this.fail(new OffsetStoreFailedError(`compacting ${this.filePath} failed`, error), []);
        return;
      }
    }
  }

  private fail(failure: OffsetStoreFailedError, inFlight: Waiter[]): void {
    this.failure = failure;
    const waiters = [...inFlight, ...this.waiters];
    this.pending = [];
    this.pendingRecords = [];
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(failure);
  }

  private async writeAll(handle: fsp.FileHandle, data: Buffer): Promise<void> {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await handle.write(data, written, data.length - written);
      written += bytesWritten;
    }
  }

  private async compactIfDue(): Promise<void> {
    if (this.fileBytes < this.nextCompactionCheckBytes) return;
    const live = [...this.table.records()].map(encodeOffsetRecord);
    const liveBytes = live.reduce((n, b) => n + b.length, 0);
    if (this.fileBytes <= liveBytes * this.options.compactRatio) {
      this.nextCompactionCheckBytes = Math.max(this.options.compactMinBytes, this.fileBytes * 2);
      return;
    }
    const rewritten = await this.rewrite(live, liveBytes);
    this.nextCompactionCheckBytes = rewritten
      ? Math.max(this.options.compactMinBytes, liveBytes * this.options.compactRatio)
      : this.fileBytes * 2;
  }

  /**
   * Replaces the log with `live` atomically (side file, fdatasync, rename, directory sync).
   * A failure before the rename leaves the old log in use and is not fatal (returns false);
   * one after it throws.
   */
  private async rewrite(live: Buffer[], liveBytes: number): Promise<boolean> {
    const sidePath = this.filePath + COMPACT_SUFFIX;
    try {
      const side = await fsp.open(sidePath, 'w');
      try {
        for (let i = 0; i < live.length; ) {
          const chunk: Buffer[] = [];
          let bytes = 0;
          while (i < live.length && bytes < COMPACT_WRITE_CHUNK_BYTES) {
            bytes += live[i].length;
            chunk.push(live[i++]);
          }
          await this.writeAll(side, Buffer.concat(chunk, bytes));
        }
        await side.datasync();
      } finally {
        await side.close();
      }
    } catch {
      await fsp.rm(sidePath, { force: true }).catch(() => undefined);
      return false;
    }
    await fsp.rename(sidePath, this.filePath);
    await syncDirectory(path.dirname(this.filePath));
    const old = this.handle;
    this.handle = await fsp.open(this.filePath, 'a');
    this.fileBytes = liveBytes;
    await old.close();
    return true;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

