import { OffsetStoreClosedError } from './offset-store.errors';
import { CommittedOffset, OffsetCommitEntry, OffsetStore } from './offset-store.interface';
import { OffsetTable } from './offset-table';

/** Offsets kept in memory only (no dataDir): lost on restart, every mutation resolves at once. */
export class MemoryOffsetStore implements OffsetStore {
  private readonly table = new OffsetTable();
  private closed = false;

  groupIds(): string[] {
    return this.table.groupIds();
  }

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.table.get(groupId, topic, partition);
  }

  list(groupId: string): OffsetCommitEntry[] {
    return this.table.list(groupId);
  }

  async commit(groupId: string, entries: OffsetCommitEntry[]): Promise<void> {
    this.assertOpen();
    for (const entry of entries) this.table.apply({ type: 'commit', groupId, ...entry });
  }

  async deleteGroup(groupId: string): Promise<void> {
    this.assertOpen();
    this.table.apply({ type: 'deleteGroup', groupId });
  }

  async deleteTopic(topic: string): Promise<void> {
    this.assertOpen();
    this.table.apply({ type: 'deleteTopic', topic });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new OffsetStoreClosedError();
  }
}
