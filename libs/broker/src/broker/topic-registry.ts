import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { LOG_CONFIG_NAMES, LogConfig } from '../storage/log-config';
import { LogStorage } from '../storage/storage.interface';
import { Partition } from './partition';

export interface Topic {
  name: string;
  /** Kafka's topic ID: a random UUID given at creation, kept across restarts, new on re-creation. */
  id: string;
  partitions: Partition[];
  config: LogConfig;
  /** Config overrides as given at creation (Kafka names → values). */
  overrides: Record<string, string>;
}

interface PersistedTopic {
  name: string;
  /** Absent in files written before topic IDs existed: one is assigned at load and persisted. */
  id?: string;
  partitions: number;
  overrides: Record<string, string>;
}

interface PersistedMetadata {
  version: 1;
  topics: PersistedTopic[];
  /** First producer id not yet handed out (ids are never reused across restarts). */
  nextProducerId: number;
}

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
 * The broker's topics and their partitions. On disk, the topic list lives in
 * `<dataDir>/broker-meta.json`, replaced atomically (write, fsync, rename) on every change.
 */
export class TopicRegistry {
  private readonly topics = new Map<string, Topic>();
  private readonly namesById = new Map<string, string>();
  private nextProducerId = 1;

  private constructor(
    private readonly storage: LogStorage,
    private readonly defaults: LogConfig,
    private readonly metaPath: string | null,
  ) {}

  static open(storage: LogStorage, defaults: LogConfig, metaDir: string | null): TopicRegistry {
    const registry = new TopicRegistry(storage, defaults, metaDir ? join(metaDir, 'broker-meta.json') : null);
    registry.load();
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

  create(name: string, partitions: number, overrides: Record<string, string>): Topic {
    const config = resolveLogConfig(this.defaults, overrides);
    const topic: Topic = { name, id: randomUUID(), partitions: [], config, overrides };
    for (let p = 0; p < partitions; p++) topic.partitions.push(new Partition(name, p, this.storage.openLog(name, p, config)));
    this.add(topic);
    this.persist();
    return topic;
  }

  addPartitions(topic: Topic, count: number): void {
    for (let p = topic.partitions.length; p < count; p++) {
      topic.partitions.push(new Partition(topic.name, p, this.storage.openLog(topic.name, p, topic.config)));
    }
    this.persist();
  }

  async delete(name: string): Promise<void> {
    const topic = this.topics.get(name);
    if (!topic) return;
    this.topics.delete(name);
    this.namesById.delete(topic.id);
    this.persist();
    for (const p of topic.partitions) {
      await p.log.delete();
      p.notifyChange();
    }
  }

  allocateProducerId(): number {
    const id = this.nextProducerId++;
    this.persist();
    return id;
  }

  async close(): Promise<void> {
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) {
        p.notifyChange();
        await p.log.close();
      }
    }
  }

  private load(): void {
    const known = new Map<string, number>();
    for (const { topic, partition } of this.storage.existingLogs()) {
      known.set(topic, Math.max(known.get(topic) ?? 0, partition + 1));
    }
    let persisted: PersistedMetadata | null = null;
    if (this.metaPath && existsSync(this.metaPath)) {
      persisted = JSON.parse(readFileSync(this.metaPath, 'utf8')) as PersistedMetadata;
      this.nextProducerId = persisted.nextProducerId;
    }
    const entries = new Map<string, PersistedTopic>();
    for (const t of persisted?.topics ?? []) entries.set(t.name, t);
    // Logs found without metadata (metadata lost) are still served, with default configs.
    for (const [name, partitions] of known) {
      if (!entries.has(name)) entries.set(name, { name, partitions, overrides: {} });
    }
    let assignedIds = false;
    for (const t of entries.values()) {
      const config = resolveLogConfig(this.defaults, t.overrides);
      const id = t.id ?? randomUUID();
      assignedIds ||= t.id === undefined;
      const topic: Topic = { name: t.name, id, partitions: [], config, overrides: t.overrides };
      const count = Math.max(t.partitions, known.get(t.name) ?? 0);
      for (let p = 0; p < count; p++) topic.partitions.push(new Partition(t.name, p, this.storage.openLog(t.name, p, config)));
      this.add(topic);
    }
    // A topic that had no ID yet keeps the one it got now from here on.
    if (assignedIds) this.persist();
  }

  private add(topic: Topic): void {
    this.topics.set(topic.name, topic);
    this.namesById.set(topic.id, topic.name);
  }

  private persist(): void {
    if (!this.metaPath) return;
    const data: PersistedMetadata = {
      version: 1,
      nextProducerId: this.nextProducerId,
      topics: [...this.topics.values()].map((t) => ({ name: t.name, id: t.id, partitions: t.partitions.length, overrides: t.overrides })),
    };
    const dir = join(this.metaPath, '..');
    mkdirSync(dir, { recursive: true });
    const tmp = `${this.metaPath}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2));
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.metaPath);
  }
}

