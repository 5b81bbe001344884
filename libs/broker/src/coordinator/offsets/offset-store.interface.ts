/** A committed consumer offset, as OffsetFetch returns it. */
export interface CommittedOffset {
  offset: number;
  /** Client-supplied string stored with the offset (null allowed). */
  metadata: string | null;
  commitTimestampMs: number;
}

export interface OffsetCommitEntry extends CommittedOffset {
  topic: string;
  partition: number;
}

/**
 * Where a coordinator keeps committed offsets: a map (group, topic, partition) → offset that
 * may be durable. Implemented in memory and on disk (append-only log with CRCs, group commit,
 * compaction); both pass the same conformance suite (offset-store.conformance.ts).
 *
 * Not thread-safe and not re-entrant beyond what is stated: one event loop owns it. Mutations
 * are visible to reads as soon as the call returns (before its promise settles), in call
 * order; the promise settles once the change is durable (at once for the memory store). A
 * rejected promise means the store failed; the change may or may not survive a restart, and
 * the store refuses further mutations.
 */
export interface OffsetStore {
  /** Groups holding at least one committed offset. */
  groupIds(): string[];
  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined;
  /** Every committed offset of a group, topics and partitions in ascending order. */
  list(groupId: string): OffsetCommitEntry[];
  /** Records the entries (later ones win); resolves once durable. */
  commit(groupId: string, entries: OffsetCommitEntry[]): Promise<void>;
  /** Drops every offset of the group; resolves once durable. */
  deleteGroup(groupId: string): Promise<void>;
  /** Drops every group's offsets for the topic; resolves once durable. */
  deleteTopic(topic: string): Promise<void>;
  /** Waits for pending writes, then releases files. Further mutations reject. */
  close(): Promise<void>;
}
