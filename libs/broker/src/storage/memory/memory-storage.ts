import { LogStorage, PartitionLog } from '../storage.interface';
import { LogConfig } from '../log-config';
import { MemoryLog } from './memory-log';

/**
 * Partition logs in memory. Opening a log that is already open returns the same log with
 * the new config applied. Nothing survives close(). Not thread-safe.
 */
export class MemoryLogStorage implements LogStorage {
  readonly kind = 'memory' as const;
  private readonly logs = new Map<string, MemoryLog>();

  openLog(topic: string, partition: number, config: LogConfig): PartitionLog {
    const key = `${topic}-${partition}`;
    const open = this.logs.get(key);
    if (open) {
      open.updateConfig(config);
      return open;
    }
    const log = new MemoryLog(topic, partition, config, (closed) => {
      if (this.logs.get(key) === closed) this.logs.delete(key);
    });
    this.logs.set(key, log);
    return log;
  }

  /** The logs open right now (memory keeps nothing from before). */
  existingLogs(): Array<{ topic: string; partition: number }> {
    return [...this.logs.values()].map((log) => ({ topic: log.topic, partition: log.partition }));
  }

  /** Nothing to sync in memory. */
  async syncDirectories(): Promise<void> {
    return;
  }

  async close(): Promise<void> {
    await Promise.all([...this.logs.values()].map((log) => log.close()));
  }
}
