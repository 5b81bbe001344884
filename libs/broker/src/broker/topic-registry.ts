import { randomUUID } from 'node:crypto';
import { LOG_CONFIG_NAMES, LogConfig } from '../storage/log-config';
import { LogStorage } from '../storage/storage.interface';
import { Partition } from './partition';
import { PersistedMetadata, PersistedTopic, TopicMetadataStore } from './topic-metadata-store';
import { WorkSlicer } from './work-slicer';

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

/** Topic configs accepted for compatibility but without effect on a single embedded broker. */
const ACCEPTED_WITHOUT_EFFECT = new Set([
  'min.insync.replicas',
  'compression.type',
  'unclean.leader.election.enable',
  'message.timestamp.type',
  'flush.messages',
  'flush.ms',
]);

export class InvalidTopicConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** Turns Kafka topic configs into a LogConfig, rejecting what this broker cannot honour. */
export function resolveLogConfig(base: LogConfig, overrides: Record<string, string>): LogConfig {
  const config: LogConfig = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    const field = LOG_CONFIG_NAMES[name];
    if (field) {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new InvalidTopicConfigError(`${name} must be an integer, got "${value}"`);
      config[field] = n;
    } else if (name === 'cleanup.policy') {
      if (value !== 'delete') throw new InvalidTopicConfigError(`cleanup.policy=${value} is not supported (only delete)`);
    } else if (!ACCEPTED_WITHOUT_EFFECT.has(name)) {
      throw new InvalidTopicConfigError(`Unknown topic config ${name}`);
    }
  }
  return config;
}

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
  private readonly pending = new Map<string, Promise<Topic>>();
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
    return this.pending.get(name);
  }

  /** Partitions on this broker, counting those of creations under way. */
  partitionCount(): number {
    return this.partitions + this.reservedPartitions;
  }

  /**
   * Creates a topic: partitions opened in slices, then the topic becomes visible and the
   * metadata is saved; resolves once it is durable. If a partition fails to open, every
   * partition opened so far is deleted and the call rejects. The caller checks the name is free.
   */
  create(name: string, partitionCount: number, overrides: Record<string, string>, slicer = new WorkSlicer()): Promise<Topic> {
    const config = resolveLogConfig(this.defaults, overrides);
    this.reservedPartitions += partitionCount;
    const creation = (async (): Promise<Topic> => {
      try {
        const partitions = await this.openPartitions(name, 0, partitionCount, config, slicer);
        const topic: Topic = { name, id: randomUUID(), partitions, config, overrides };
        this.add(topic);
        await this.saveOrRollBack(() => this.remove(topic), partitions);
        return topic;
      } finally {
        this.reservedPartitions -= partitionCount;
        this.pending.delete(name);
      }
    })();
    this.pending.set(name, creation);
    return creation;
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
    for (const p of topic.partitions) {
      await p.log.delete();
      p.notifyChange();
      await slicer.tick();
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

  /** Opens partitions [from, to) in slices; on a failure deletes those it opened and rethrows. */
  private async openPartitions(name: string, from: number, to: number, config: LogConfig, slicer: WorkSlicer): Promise<Partition[]> {
    const opened: Partition[] = [];
    try {
      for (let p = from; p < to; p++) {
        opened.push(new Partition(name, p, this.storage.openLog(name, p, config)));
        await slicer.tick();
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
