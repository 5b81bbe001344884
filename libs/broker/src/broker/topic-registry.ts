import { randomUUID } from 'node:crypto';
import { LogConfig } from '../storage/log-config';
import { LogStorage } from '../storage/storage.interface';
import { Partition } from './partition';
import { PersistedMetadata, PersistedTopic, TopicMetadataStore } from './topic-metadata-store';
import { resolveLogConfig } from './topic-config';
import { WorkSlicer } from './work-slicer';

/** Partition logs created or deleted at the same time (disk: each holds a thread-pool thread briefly). */
const LOG_FILE_CONCURRENCY = 8;

export { InvalidTopicConfigError, resolveLogConfig } from './topic-config';

export interface Topic {
  name: string;
  /** Kafka's topic ID: a random UUID given at creation, kept across restarts, new on re-creation. */
  id: string;
  partitions: Partition[];
  config: LogConfig;
  /** Config overrides as given at creation (Kafka names → values). */
  overrides: Record<string, string>;
}

/** Producer ids are reserved on disk this many at a time (as Kafka's ProducerIdManager blocks). */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

/**
 * The broker's topics and their partitions; the list is persisted by TopicMetadataStore
 * (group-committed snapshots). Creation opens partitions in slices (WorkSlicer) and is
 * rolled back whole, files closed and removed, when any partition fails to open; while it
 * runs the name is reserved (creating()) and its partitions count against partitionCount().
 * Not thread-safe: one event loop owns it.
 */
export class TopicRegistry {
  private readonly topics = new Map<string, Topic>();
  private readonly namesById = new Map<string, string>();
  /** Creations under way by name: the promise callers wait on and how to settle it. */
  private readonly creations = new Map<string, { promise: Promise<Topic>; resolve(topic: Topic): void; reject(err: Error): void }>();
  private readonly store: TopicMetadataStore;
  private partitions = 0;
  private reservedPartitions = 0;
  private nextProducerId = 1;
  /** Producer ids below this are reserved on disk. */
  private producerIdLimit = 1;

  private constructor(
    private readonly storage: LogStorage,
    private readonly defaults: LogConfig,
    metaDir: string | null,
  ) {
    this.store = new TopicMetadataStore(metaDir, () => this.snapshot());
  }

  static async open(storage: LogStorage, defaults: LogConfig, metaDir: string | null): Promise<TopicRegistry> {
    const registry = new TopicRegistry(storage, defaults, metaDir);
    await registry.load();
    return registry;
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  all(): IterableIterator<Topic> {
    return this.topics.values();
  }

  /** The name of the topic with this ID (canonical lower-case UUID), if it exists. */
  nameOf(id: string): string | undefined {
    return this.namesById.get(id.toLowerCase());
  }

  partition(topic: string, id: number): Partition | undefined {
    return this.topics.get(topic)?.partitions[id];
  }

  /** The creation of `name` under way, if any. */
  creating(name: string): Promise<Topic> | undefined {
    return this.creations.get(name)?.promise;
  }

  /** Partitions on this broker, counting those of creations under way. */
  partitionCount(): number {
    return this.partitions + this.reservedPartitions;
  }

  /**
   * Creates a topic: partitions opened in slices, then the topic becomes visible and the
   * directories and metadata are made durable; resolves once they are. If anything fails,
   * every partition opened is deleted and the call rejects. The caller checks the name is free.
   */
  async create(name: string, partitionCount: number, overrides: Record<string, string>, slicer = new WorkSlicer()): Promise<Topic> {
    const topic = await this.open(name, partitionCount, overrides, slicer);
    await this.commit([topic]);
    return topic;
  }

  /**
   * First half of a creation: reserves the name, opens the partitions in slices (deleting them
   * again if one fails) and makes the topic visible. commit() must follow; several topics of
   * one request share one commit (one round of directory and metadata syncs).
   */
  async open(name: string, partitionCount: number, overrides: Record<string, string>, slicer = new WorkSlicer()): Promise<Topic> {
    const config = resolveLogConfig(this.defaults, overrides);
    let resolve: (topic: Topic) => void = () => undefined;
    let reject: (err: Error) => void = () => undefined;
    const promise = new Promise<Topic>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined);
    this.creations.set(name, { promise, resolve, reject });
    this.reservedPartitions += partitionCount;
    try {
      const partitions = await this.openPartitions(name, 0, partitionCount, config, slicer);
      const topic: Topic = { name, id: randomUUID(), partitions, config, overrides };
      this.add(topic);
      return topic;
    } catch (err) {
      this.settle(name, err as Error);
      throw err;
    } finally {
      this.reservedPartitions -= partitionCount;
    }
  }

  /** Second half: directories, then metadata, made durable; on failure the topics are removed and deleted. */
  async commit(topics: Topic[]): Promise<void> {
    try {
      await this.saveOrRollBack(
        () => topics.forEach((t) => this.remove(t)),
        topics.flatMap((t) => t.partitions),
      );
    } catch (err) {
      for (const t of topics) this.settle(t.name, err as Error);
      throw err;
    }
    for (const t of topics) this.settle(t.name, t);
  }

  private settle(name: string, outcome: Topic | Error): void {
    const creation = this.creations.get(name);
    this.creations.delete(name);
    if (!creation) return;
    if (outcome instanceof Error) creation.reject(outcome);
    else creation.resolve(outcome);
  }

  /** Grows a topic to `count` partitions (sliced, rolled back whole on failure); resolves once durable. */
  async addPartitions(topic: Topic, count: number, slicer = new WorkSlicer()): Promise<void> {
    const from = topic.partitions.length;
    this.reservedPartitions += count - from;
    try {
      const added = await this.openPartitions(topic.name, from, count, topic.config, slicer);
      topic.partitions.push(...added);
      this.partitions += added.length;
      await this.saveOrRollBack(() => {
        topic.partitions.length = from;
        this.partitions -= added.length;
      }, added);
    } finally {
      this.reservedPartitions -= count - from;
    }
  }

  async delete(name: string): Promise<void> {
    const topic = this.topics.get(name);
    if (!topic) return;
    this.remove(topic);
    await this.store.save();
    const slicer = new WorkSlicer();
    for (let i = 0; i < topic.partitions.length; i += LOG_FILE_CONCURRENCY) {
      const group = topic.partitions.slice(i, i + LOG_FILE_CONCURRENCY);
      await Promise.all(group.map((p) => p.log.delete()));
      for (const p of group) p.notifyChange();
      await slicer.tick(group.length);
    }
    await this.storage.syncDirectories();
  }

  /** A producer id never handed out before, even across restarts; resolves once that is durable. */
  async allocateProducerId(): Promise<number> {
    const id = this.nextProducerId++;
    if (id >= this.producerIdLimit) {
      this.producerIdLimit = id + PRODUCER_ID_BLOCK_SIZE;
      await this.store.save();
    }
    return id;
  }

  async close(): Promise<void> {
    await this.store.idle();
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) {
        p.notifyChange();
        p.snapshotProducers();
        await p.log.close();
      }
    }
  }

  private async load(): Promise<void> {
    const known = new Map<string, number>();
    for (const { topic, partition } of this.storage.existingLogs()) {
      known.set(topic, Math.max(known.get(topic) ?? 0, partition + 1));
    }
    const persisted = this.store.load();
    if (persisted) this.nextProducerId = this.producerIdLimit = persisted.nextProducerId;
    const entries = new Map<string, PersistedTopic>();
    for (const t of persisted?.topics ?? []) entries.set(t.name, t);
    // Logs found without metadata (metadata lost) are still served, with default configs.
    for (const [name, partitions] of known) {
      if (!entries.has(name)) entries.set(name, { name, partitions, overrides: {} });
    }
    let assignedIds = false;
    const slicer = new WorkSlicer();
    for (const t of entries.values()) {
      const config = resolveLogConfig(this.defaults, t.overrides);
      const id = t.id ?? randomUUID();
      assignedIds ||= t.id === undefined;
      const count = Math.max(t.partitions, known.get(t.name) ?? 0);
      const partitions = await this.openPartitions(t.name, 0, count, config, slicer);
      this.add({ name: t.name, id, partitions, config, overrides: t.overrides });
    }
    // A topic that had no ID yet keeps the one it got now from here on.
    if (assignedIds) await this.store.save();
  }

  /**
   * Opens partitions [from, to) in slices, LOG_FILE_CONCURRENCY at a time (a new log's files
   * are created off the event loop); on a failure deletes those it opened and rethrows.
   */
  private async openPartitions(name: string, from: number, to: number, config: LogConfig, slicer: WorkSlicer): Promise<Partition[]> {
    const opened: Partition[] = [];
    const openLog = (p: number) => (this.storage.openLogAsync ? this.storage.openLogAsync(name, p, config) : this.storage.openLog(name, p, config));
    try {
      for (let p = from; p < to; p += LOG_FILE_CONCURRENCY) {
        const ids = Array.from({ length: Math.min(LOG_FILE_CONCURRENCY, to - p) }, (_, i) => p + i);
        const results = await Promise.allSettled(ids.map(async (id) => openLog(id)));
        let failure: unknown = null;
        results.forEach((r, i) => {
          if (r.status === 'fulfilled') opened.push(new Partition(name, ids[i], r.value));
          else failure ??= r.reason;
        });
        if (failure !== null) throw failure;
        await slicer.tick(ids.length);
      }
      return opened;
    } catch (err) {
      await deleteAll(opened);
      throw err;
    }
  }

  /** Makes new partitions' directories and then the metadata durable; on failure undoes and deletes them. */
  private async saveOrRollBack(undo: () => void, opened: Partition[]): Promise<void> {
    try {
      await this.storage.syncDirectories();
      await this.store.save();
    } catch (err) {
      undo();
      await deleteAll(opened);
      throw err;
    }
  }

  private add(topic: Topic): void {
    this.topics.set(topic.name, topic);
    this.namesById.set(topic.id, topic.name);
    this.partitions += topic.partitions.length;
  }

  private remove(topic: Topic): void {
    if (this.topics.get(topic.name) !== topic) return;
    this.topics.delete(topic.name);
    this.namesById.delete(topic.id);
    this.partitions -= topic.partitions.length;
  }

  private snapshot(): PersistedMetadata {
    return {
      version: 1,
      nextProducerId: this.producerIdLimit,
      topics: [...this.topics.values()].map((t) => ({ name: t.name, id: t.id, partitions: t.partitions.length, overrides: t.overrides })),
    };
  }
}

/** Deletes the logs of partitions that never became visible (a rolled-back creation). */
async function deleteAll(partitions: Partition[]): Promise<void> {
  for (const p of partitions) {
    await p.log.delete().catch(() => undefined);
  }
}
