import { CommittedOffset, OffsetCommitEntry } from './offset-store.interface';
import { OffsetLogRecord } from './offset-record.codec';

/**
 * The live set of committed offsets, in memory: group → topic → partition → offset.
 * Both stores keep one; the disk store also replays its log into it. Synchronous, not
 * thread-safe.
 */
export class OffsetTable {
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private entries = 0;

  /** Number of (group, topic, partition) entries held. */
  size(): number {
    return this.entries;
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(groupId)?.get(topic)?.get(partition);
  }

  list(groupId: string): OffsetCommitEntry[] {
    const topics = this.groups.get(groupId);
    if (!topics) return [];
    const out: OffsetCommitEntry[] = [];
    for (const topic of [...topics.keys()].sort()) {
      const partitions = topics.get(topic)!;
      for (const partition of [...partitions.keys()].sort((a, b) => a - b)) {
        out.push({ topic, partition, ...partitions.get(partition)! });
      }
    }
    return out;
  }

  /** Every live entry as commit records (what a compacted log holds). */
  *records(): IterableIterator<OffsetLogRecord> {
    for (const groupId of this.groups.keys()) {
      for (const entry of this.list(groupId)) yield { type: 'commit', groupId, ...entry };
    }
  }

  apply(record: OffsetLogRecord): void {
    switch (record.type) {
      case 'commit':
        this.put(record.groupId, record);
        return;
      case 'deleteGroup':
        this.deleteGroup(record.groupId);
        return;
      case 'deleteTopic':
        this.deleteTopic(record.topic);
        return;
    }
  }

  private put(groupId: string, entry: OffsetCommitEntry): void {
    let topics = this.groups.get(groupId);
    if (!topics) this.groups.set(groupId, (topics = new Map()));
    let partitions = topics.get(entry.topic);
    if (!partitions) topics.set(entry.topic, (partitions = new Map()));
    if (!partitions.has(entry.partition)) this.entries++;
    partitions.set(entry.partition, {
      offset: entry.offset,
      metadata: entry.metadata,
      commitTimestampMs: entry.commitTimestampMs,
    });
  }

  private deleteGroup(groupId: string): void {
    const topics = this.groups.get(groupId);
    if (!topics) return;
    for (const partitions of topics.values()) this.entries -= partitions.size;
    this.groups.delete(groupId);
  }

  private deleteTopic(topic: string): void {
    for (const [groupId, topics] of this.groups) {
      const partitions = topics.get(topic);
      if (!partitions) continue;
      this.entries -= partitions.size;
      topics.delete(topic);
      if (topics.size === 0) this.groups.delete(groupId);
    }
  }
}
