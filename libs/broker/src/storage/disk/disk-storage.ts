import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { LogStorage, PartitionLog } from '../storage.interface';
import { LogConfig } from '../log-config';
import { DiskLog } from './disk-log';
import { sharedDescriptorPool } from './descriptor-pool';
import { fdatasyncFile, FileSync } from './file-sync';

export interface DiskLogStorageOptions {
  /** How log and index files are made durable (a seam: tests make it fail). */
  syncFile: FileSync;
  /** How a directory's entries are made durable (a seam: tests record it). */
  syncDirectory: (dir: string) => Promise<void>;
  /**
   * Most log and index files kept open at once; files open on use and the least recently
   * used idle ones close. The budget is the process's (shared by every disk storage in it).
   */
  maxOpenFiles?: number;
}
import { DELETED_SUFFIX, syncDirectory, syncDirectoryAsync } from './segment-files';

/** Directory fsyncs run at most this many at a time (each holds a descriptor). */
const DIRECTORY_SYNC_CONCURRENCY = 16;

interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * Partition logs under one data directory, one `<topic>-<partition>` directory each (topic
 * names may hold '-' and '.', so the partition is what follows the last '-'). Opening a log
 * that is already open returns the same log with the new config applied. Not thread-safe.
 */
export class DiskLogStorage implements LogStorage {
  readonly kind = 'disk' as const;
  private readonly found: TopicPartition[] = [];
  private readonly logs = new Map<string, DiskLog>();
  /** Log directories created since the last syncDirectories(). */
  private readonly unsyncedDirs = new Set<string>();

  private readonly options: DiskLogStorageOptions;

  constructor(
    readonly dataDir: string,
    options: Partial<DiskLogStorageOptions> = {},
  ) {
    this.options = { syncFile: fdatasyncFile, syncDirectory: syncDirectoryAsync, ...options };
    if (options.maxOpenFiles !== undefined) sharedDescriptorPool.setBudget(options.maxOpenFiles);
    if (fs.mkdirSync(dataDir, { recursive: true }) !== undefined) syncDirectory(path.dirname(dataDir));
    for (const entry of fs.readdirSync(dataDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (entry.name.endsWith(DELETED_SUFFIX)) {
        fs.rmSync(path.join(dataDir, entry.name), { recursive: true, force: true });
        continue;
      }
      const tp = parseLogDirName(entry.name);
      if (tp) this.found.push(tp);
    }
  }

  openLog(topic: string, partition: number, config: LogConfig): PartitionLog {
    if (!isSafeTopicName(topic) || !Number.isInteger(partition) || partition < 0) {
      throw new RangeError(`Cannot store topic-partition ${JSON.stringify(topic)}-${partition} as a directory`);
    }
    const key = logDirName(topic, partition);
    const open = this.logs.get(key);
    if (open) {
      open.updateConfig(config);
      return open;
    }
    const onClose = (closed: DiskLog): void => {
      if (this.logs.get(key) === closed) this.logs.delete(key);
    };
    const dir = path.join(this.dataDir, key);
    const isNew = !fs.existsSync(dir);
    const log = DiskLog.open(dir, topic, partition, config, onClose, this.options.syncFile);
    this.logs.set(key, log);
    if (isNew) this.unsyncedDirs.add(dir);
    return log;
  }

  /**
   * openLog() that creates a new log's directory and files off the event loop (a loaded disk
   * can hold a mkdir or a file creation for 100 ms, which would stall every connection).
   * An existing log is opened (and recovered) synchronously, as openLog() does.
   */
  async openLogAsync(topic: string, partition: number, config: LogConfig): Promise<PartitionLog> {
    const key = logDirName(topic, partition);
    const dir = path.join(this.dataDir, key);
    if (this.logs.has(key) || !isSafeTopicName(topic) || !Number.isInteger(partition) || partition < 0) return this.openLog(topic, partition, config);
    try {
      await fsp.mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return this.openLog(topic, partition, config);
      throw err;
    }
    this.unsyncedDirs.add(dir);
    const onClose = (closed: DiskLog): void => {
      if (this.logs.get(key) === closed) this.logs.delete(key);
    };
    const log = await DiskLog.createInEmptyDir(dir, topic, partition, config, onClose, this.options.syncFile);
    const raced = this.logs.get(key);
    if (raced) {
      // Opened meanwhile through openLog() (it found the directory): keep that one.
      await log.close();
      return raced;
    }
    this.logs.set(key, log);
    return log;
  }

  /**
   * Makes the creation of log directories (and their first segment files) and the removal of
   * deleted ones durable: fsyncs each new log directory, then the data directory. Off the
   * event loop, a few at a time.
   */
  async syncDirectories(): Promise<void> {
    const dirs = [...this.unsyncedDirs];
    this.unsyncedDirs.clear();
    try {
      for (let i = 0; i < dirs.length; i += DIRECTORY_SYNC_CONCURRENCY) {
        await Promise.all(dirs.slice(i, i + DIRECTORY_SYNC_CONCURRENCY).map((dir) => (fs.existsSync(dir) ? this.options.syncDirectory(dir) : undefined)));
      }
      await this.options.syncDirectory(this.dataDir);
    } catch (err) {
      for (const dir of dirs) this.unsyncedDirs.add(dir);
      throw err;
    }
  }

  /** Logs found in the data directory when the storage opened, plus those opened since (minus deleted ones). */
  existingLogs(): TopicPartition[] {
    const result = new Map<string, TopicPartition>();
    for (const tp of this.found) {
      const name = logDirName(tp.topic, tp.partition);
      if (fs.existsSync(path.join(this.dataDir, name))) result.set(name, tp);
    }
    for (const [name, log] of this.logs) result.set(name, { topic: log.topic, partition: log.partition });
    return [...result.values()];
  }

  /** Closes every open log (each flushes and leaves its clean-shutdown marker). */
  async close(): Promise<void> {
    await Promise.all([...this.logs.values()].map((log) => log.close()));
  }
}

/** A topic name that cannot escape the data directory (Kafka allows only [a-zA-Z0-9._-]). */
function isSafeTopicName(topic: string): boolean {
  return topic.length > 0 && topic !== '.' && topic !== '..' && !/[/\\\0]/.test(topic);
}

export function logDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** `pay-ments.v2-3` → { topic: 'pay-ments.v2', partition: 3 }; null for other names. */
export function parseLogDirName(name: string): TopicPartition | null {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return null;
  const digits = name.slice(dash + 1);
  if (!/^\d+$/.test(digits)) return null;
  return { topic: name.slice(0, dash), partition: Number(digits) };
}
