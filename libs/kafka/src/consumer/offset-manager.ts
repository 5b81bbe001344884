import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '@peak/protocol';
import { BrokerClient } from '../cluster/broker-client';
import { createErrorFromCode } from '../errors';
import { ConsumerEventNames, InstrumentationEmitter } from '../instrumentation';
import type { Offsets, OffsetsByTopicPartition, TopicOffsets } from '../types/metadata.types';

/** The generation a commit belongs to. */
export interface GenerationInfo {
  generationId: number;
  memberId: string;
}

export interface OffsetManagerOptions {
  client: BrokerClient;
  emitter: InstrumentationEmitter;
  groupId: string;
  autoCommit: boolean;
  autoCommitInterval: number | null;
  autoCommitThreshold: number | null;
  generation: () => GenerationInfo;
}

/** Offsets of one partition: where to fetch next, what was processed, what is committed. */
interface PartitionOffsets {
  /** Next offset to fetch. */
  position: number;
  /** Next offset after the last processed message (-1 = nothing yet). */
  resolved: number;
  /** Last committed offset (-1 = none). */
  committed: number;
}

/**
 * Tracks, for the partitions assigned to this member, the fetch position, the resolved
 * (processed) offset and the committed offset, and commits resolved offsets to the group
 * coordinator. kafkajs semantics: an offset is "resolved" when its message is processed and
 * the committed value is the next offset to read. Not thread-safe by itself: the runner
 * serialises access per partition.
 */
export class OffsetManager {
  private readonly partitions = new Map<string, Array<PartitionOffsets | undefined>>();
  private lastCommit = Date.now();

  constructor(private readonly options: OffsetManagerOptions) {}

  /** Replaces the assignment; loads committed offsets and the default for partitions without one. */
  async assign(assignment: Map<string, number[]>, fromBeginning: (topic: string) => boolean): Promise<void> {
    this.partitions.clear();
    if (assignment.size === 0) return;
    const topics = [...assignment].map(([topic, partitions]) => ({ topic, partitions }));
    const fetched = await this.options.client.send('offsetFetch', (b) => b.offsetFetch({ groupId: this.options.groupId, topics }));
    if (fetched.errorCode !== 0) throw createErrorFromCode(fetched.errorCode);
    const committed = new Map<string, number>();
    for (const t of fetched.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw createErrorFromCode(p.errorCode);
        committed.set(`${t.topic}|${p.partition}`, p.offset);
      }
    }
    const missing: Array<{ topic: string; partitions: Array<{ partition: number; timestamp: number }> }> = [];
    for (const [topic, partitions] of assignment) {
      const slots: Array<PartitionOffsets | undefined> = [];
      this.partitions.set(topic, slots);
      const needDefault: Array<{ partition: number; timestamp: number }> = [];
      for (const partition of partitions) {
        const offset = committed.get(`${topic}|${partition}`) ?? -1;
        slots[partition] = { position: offset, resolved: offset, committed: offset };
        if (offset < 0) needDefault.push({ partition, timestamp: fromBeginning(topic) ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP });
      }
      if (needDefault.length > 0) missing.push({ topic, partitions: needDefault });
    }
    if (missing.length > 0) await this.moveToListedOffsets(missing);
    this.lastCommit = Date.now();
  }

  /** Sets positions from ListOffsets (earliest/latest/timestamp queries). */
  async moveToListedOffsets(queries: Array<{ topic: string; partitions: Array<{ partition: number; timestamp: number }> }>): Promise<void> {
    const listed = await this.options.client.send('listOffsets', (b) => b.listOffsets({ isolationLevel: 1, topics: queries }));
    for (const t of listed.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw createErrorFromCode(p.errorCode);
        const slot = this.slot(t.topic, p.partition);
        if (slot) slot.position = p.offset;
      }
    }
  }

  isAssigned(topic: string, partition: number): boolean {
    return this.slot(topic, partition) !== undefined;
  }

  /** Assigned partitions as [topic, partition] pairs. */
  assigned(): Array<{ topic: string; partition: number }> {
    const out: Array<{ topic: string; partition: number }> = [];
    for (const [topic, slots] of this.partitions) {
      for (let p = 0; p < slots.length; p++) if (slots[p]) out.push({ topic, partition: p });
    }
    return out;
  }

  /** Next offset to fetch, or -1 when the partition is not assigned. */
  position(topic: string, partition: number): number {
    return this.slot(topic, partition)?.position ?? -1;
  }

  /** Marks `offset` processed: the next fetch and the next commit start after it. */
  resolveOffset(topic: string, partition: number, offset: number): void {
    const slot = this.slot(topic, partition);
    if (!slot) return;
    slot.resolved = offset + 1;
    slot.position = offset + 1;
  }

  /**
   * Moves the position to `offset` (a seek). Without autoCommit the offset counts as
   * resolved (kafkajs); with autoCommit it is committed right away.
   */
  async seek(topic: string, partition: number, offset: number): Promise<void> {
    const slot = this.slot(topic, partition);
    if (!slot) return;
    slot.position = offset;
    slot.resolved = offset;
    if (this.options.autoCommit) await this.commit([{ topic, partitions: [{ partition, offset: String(offset) }] }]);
  }

  /** Resolved offsets not yet committed (kafkajs's uncommittedOffsets()). */
  uncommittedOffsets(): OffsetsByTopicPartition {
    const topics: TopicOffsets[] = [];
    for (const [topic, slots] of this.partitions) {
      const partitions: Array<{ partition: number; offset: string }> = [];
      for (let p = 0; p < slots.length; p++) {
        const s = slots[p];
        if (s && s.resolved >= 0 && s.resolved !== s.committed) partitions.push({ partition: p, offset: String(s.resolved) });
      }
      if (partitions.length > 0) topics.push({ topic, partitions });
    }
    return { topics };
  }

  /** Resolved-but-uncommitted message count, for autoCommitThreshold. */
  countResolvedOffsets(): number {
    let count = 0;
    for (const slots of this.partitions.values()) {
      for (const s of slots) if (s && s.resolved >= 0) count += s.resolved - Math.max(s.committed, 0);
    }
    return count;
  }

  /** True when autoCommitInterval or autoCommitThreshold says a commit is due. */
  commitDue(): boolean {
    const { autoCommitInterval, autoCommitThreshold } = this.options;
    if (autoCommitInterval !== null && Date.now() >= this.lastCommit + autoCommitInterval) return true;
    return autoCommitThreshold !== null && this.countResolvedOffsets() >= autoCommitThreshold;
  }

  /** Commits resolved offsets when interval/threshold say so (kafkajs's commitOffsetsIfNecessary). */
  async commitOffsetsIfNecessary(): Promise<void> {
    if (this.commitDue()) await this.commitOffsets();
  }

  /** Commits `offsets`, or every resolved-but-uncommitted offset when omitted. */
  async commitOffsets(offsets?: Offsets): Promise<void> {
    const topics = offsets ? offsets.topics : this.uncommittedOffsets().topics;
    if (topics.length === 0) {
      this.lastCommit = Date.now();
      return;
    }
    await this.commit(topics);
  }

  private async commit(topics: TopicOffsets[]): Promise<void> {
    const { generationId, memberId } = this.options.generation();
    const response = await this.options.client.send('offsetCommit', (b) =>
      b.offsetCommit({
        groupId: this.options.groupId,
        generationId,
        memberId,
        topics: topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, offset: Number(p.offset), metadata: (p as { metadata?: string | null }).metadata ?? null })) })),
      }),
    );
    for (const t of response.topics) {
      for (const p of t.partitions) if (p.errorCode !== 0) throw createErrorFromCode(p.errorCode);
    }
    for (const t of topics) {
      for (const p of t.partitions) {
        const slot = this.slot(t.topic, p.partition);
        if (slot) slot.committed = Number(p.offset);
      }
    }
    this.lastCommit = Date.now();
    this.options.emitter.emit(ConsumerEventNames.COMMIT_OFFSETS, { groupId: this.options.groupId, memberId, groupGenerationId: generationId, topics });
  }

  private slot(topic: string, partition: number): PartitionOffsets | undefined {
    const slots = this.partitions.get(topic);
    return slots ? slots[partition] : undefined;
  }
}
