import { EARLIEST_TIMESTAMP, ErrorCode, LATEST_TIMESTAMP } from '@peak/protocol';
import { BrokerClient } from '../cluster/broker-client';
import { Cluster } from '../cluster/cluster';
import { createErrorFromCode, KafkaJSDeleteGroupsError, KafkaJSNonRetriableError, KafkaJSNotImplemented } from '../errors';
import { AdminEventNames, AdminEvents, InstrumentationEmitter, InstrumentationEvent } from '../instrumentation';
import type { Logger } from '../logger/logger';
import { createRetry, Retrier } from '../retry';
import type { ClusterDescription, DeleteGroupsResult, FetchOffsetsPartition, GroupOverview, ITopicConfig, ITopicPartitionConfig } from '../types/admin.types';
import type { AdminConfig } from '../types/config.types';
import type { GroupDescriptions } from '../types/consumer.types';
import type { ITopicMetadata, SeekEntry } from '../types/metadata.types';
import { toGroupDescription } from '../consumer/group-description';

export const DEFAULT_ADMIN_TIMEOUT = 5_000;

/**
 * kafkajs's Admin over BrokerApi: topics, partitions, offsets and groups. Retriable
 * failures are retried with the admin's retry policy; answers keep kafkajs's shapes
 * (offsets as strings, createTopics → false when every topic already existed).
 */
export class Admin {
  readonly events: AdminEvents = AdminEventNames;
  private readonly retrier: Retrier;

  constructor(
    private readonly client: BrokerClient,
    private readonly cluster: Cluster,
    private readonly emitter: InstrumentationEmitter,
    private readonly log: Logger,
    config: AdminConfig = {},
  ) {
    this.retrier = createRetry(config.retry);
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
    this.emitter.emit(this.events.CONNECT, null);
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
    this.emitter.emit(this.events.DISCONNECT, null);
  }

  logger(): Logger {
    return this.log;
  }

  on<T>(eventName: string, listener: (event: InstrumentationEvent<T>) => unknown): () => void {
    if (!(Object.values(this.events) as string[]).includes(eventName)) {
      throw new KafkaJSNonRetriableError(`Event name should be one of ${Object.keys(this.events).map((k) => `admin.events.${k}`)}`);
    }
    return this.emitter.addListener(eventName, listener);
  }

  async listTopics(): Promise<string[]> {
    const metadata = await this.retrier(() => this.cluster.metadata(null));
    return metadata.topicMetadata.map((t) => t.topic);
  }

  /** Creates topics; resolves false when all of them already existed (kafkajs). */
  async createTopics(options: { topics: ITopicConfig[]; validateOnly?: boolean; waitForLeaders?: boolean; timeout?: number }): Promise<boolean> {
    const { topics, validateOnly = false, waitForLeaders = true, timeout = DEFAULT_ADMIN_TIMEOUT } = options;
    if (!topics || !Array.isArray(topics)) throw new KafkaJSNonRetriableError(`Invalid topics array ${String(topics)}`);
    if (topics.some(({ topic }) => typeof topic !== 'string' || !topic)) throw new KafkaJSNonRetriableError('Invalid topics array, the topic names have to be a valid string');
    if (new Set(topics.map((t) => t.topic)).size < topics.length) throw new KafkaJSNonRetriableError('Invalid topics array, it cannot have multiple entries for the same topic');
    const response = await this.retrier(() =>
      this.client.send('createTopics', (b) =>
        b.createTopics({
          timeoutMs: timeout,
          validateOnly,
          topics: topics.map((t) => ({
            topic: t.topic,
            numPartitions: t.numPartitions ?? -1,
            replicationFactor: t.replicationFactor ?? -1,
            configs: (t.configEntries ?? []).map((c) => ({ name: c.name, value: c.value })),
          })),
        }),
      ),
    );
    let created = 0;
    for (const t of response.topics) {
      if (t.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) continue;
      if (t.errorCode !== 0) throw createErrorFromCode(t.errorCode);
      created++;
    }
    if (waitForLeaders && !validateOnly && created > 0) {
      await this.retrier(() => this.cluster.addMultipleTargetTopics(topics.map((t) => t.topic)));
    }
    return created > 0;
  }

  async deleteTopics(options: { topics: string[]; timeout?: number }): Promise<void> {
    const { topics, timeout = DEFAULT_ADMIN_TIMEOUT } = options;
    if (!topics || !Array.isArray(topics)) throw new KafkaJSNonRetriableError(`Invalid topics array ${String(topics)}`);
    const response = await this.retrier(() => this.client.send('deleteTopics', (b) => b.deleteTopics({ topics, timeoutMs: timeout })));
    this.cluster.removeTargetTopics(topics);
    for (const t of response.topics) if (t.errorCode !== 0) throw createErrorFromCode(t.errorCode);
  }

  async createPartitions(options: { topicPartitions: ITopicPartitionConfig[]; validateOnly?: boolean; timeout?: number }): Promise<boolean> {
    const { topicPartitions, validateOnly = false, timeout = DEFAULT_ADMIN_TIMEOUT } = options;
    if (!topicPartitions || !Array.isArray(topicPartitions)) throw new KafkaJSNonRetriableError(`Invalid topic partitions array ${String(topicPartitions)}`);
    const response = await this.retrier(() =>
      this.client.send('createPartitions', (b) => b.createPartitions({ timeoutMs: timeout, validateOnly, topics: topicPartitions.map(({ topic, count }) => ({ topic, count })) })),
    );
    for (const t of response.topics) if (t.errorCode !== 0) throw createErrorFromCode(t.errorCode);
    await this.cluster.refreshMetadata().catch(() => undefined);
    return true;
  }

  async fetchTopicMetadata(options: { topics?: string[] } = {}): Promise<{ topics: ITopicMetadata[] }> {
    const topics = options.topics && options.topics.length > 0 ? options.topics : null;
    const metadata = await this.retrier(() => this.cluster.metadata(topics));
    return {
      topics: metadata.topicMetadata.map((t) => {
        if (t.topicErrorCode !== 0) throw createErrorFromCode(t.topicErrorCode);
        return { name: t.topic, partitions: t.partitionMetadata };
      }),
    };
  }

  /** Low/high watermarks per partition; `offset` is the high one (kafkajs). */
  async fetchTopicOffsets(topic: string): Promise<Array<SeekEntry & { high: string; low: string }>> {
    const partitions = await this.partitionsOf(topic);
    const [low, high] = await Promise.all([this.listOffsets(topic, partitions, EARLIEST_TIMESTAMP), this.listOffsets(topic, partitions, LATEST_TIMESTAMP)]);
    return partitions.map((partition) => ({ partition, offset: high.get(partition) ?? '-1', high: high.get(partition) ?? '-1', low: low.get(partition) ?? '-1' }));
  }

  /** The first offset at or after `timestamp` per partition (the high watermark when none). */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp?: number): Promise<SeekEntry[]> {
    const partitions = await this.partitionsOf(topic);
    const high = await this.listOffsets(topic, partitions, LATEST_TIMESTAMP);
    if (timestamp === undefined) return partitions.map((partition) => ({ partition, offset: high.get(partition) ?? '-1' }));
    const byTime = await this.listOffsets(topic, partitions, timestamp);
    return partitions.map((partition) => {
      const offset = byTime.get(partition) ?? '-1';
      return { partition, offset: offset === '-1' ? (high.get(partition) ?? '-1') : offset };
    });
  }

  /** Committed offsets of a group ('-1' where none); resolveOffsets is not supported. */
  async fetchOffsets(options: { groupId: string; topics?: string[]; resolveOffsets?: boolean }): Promise<Array<{ topic: string; partitions: FetchOffsetsPartition[] }>> {
    const { groupId, topics } = options;
    if (!groupId) throw new KafkaJSNonRetriableError(`Invalid groupId ${groupId}`);
    if (topics !== undefined && !Array.isArray(topics)) throw new KafkaJSNonRetriableError('Expected topics array to be set');
    const request = topics ? await Promise.all(topics.map(async (topic) => ({ topic, partitions: await this.partitionsOf(topic) }))) : null;
    const response = await this.retrier(() => this.client.send('offsetFetch', (b) => b.offsetFetch({ groupId, topics: request })));
    if (response.errorCode !== 0) throw createErrorFromCode(response.errorCode);
    const result = response.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => ({ partition: p.partition, offset: String(p.offset), metadata: p.metadata })),
    }));
    if (options.resolveOffsets) {
      for (const t of result) {
        const unresolved = t.partitions.filter((p) => p.offset === '-1').map((p) => p.partition);
        if (unresolved.length === 0) continue;
        const latest = await this.listOffsets(t.topic, unresolved, LATEST_TIMESTAMP);
        for (const p of t.partitions) if (p.offset === '-1') p.offset = latest.get(p.partition) ?? '-1';
      }
    }
    return result;
  }

  /** Commits offsets for a group with no active members (outside any generation). */
  async setOffsets(options: { groupId: string; topic: string; partitions: SeekEntry[] }): Promise<void> {
    const { groupId, topic, partitions } = options;
    if (!groupId) throw new KafkaJSNonRetriableError(`Invalid groupId ${groupId}`);
    if (!topic) throw new KafkaJSNonRetriableError(`Invalid topic ${topic}`);
    if (!partitions || partitions.length === 0) throw new KafkaJSNonRetriableError('Invalid partitions');
    const response = await this.retrier(() =>
      this.client.send('offsetCommit', (b) =>
        b.offsetCommit({ groupId, generationId: -1, memberId: '', topics: [{ topic, partitions: partitions.map((p) => ({ partition: p.partition, offset: Number(p.offset), metadata: null })) }] }),
      ),
    );
    for (const t of response.topics) for (const p of t.partitions) if (p.errorCode !== 0) throw createErrorFromCode(p.errorCode);
  }

  /**
   * Resets a group's offsets on a topic as kafkajs does: commits the special offset -2
   * (earliest) or -1 (latest), which the group's consumers treat as "no committed offset"
   * and replace with their default (fromBeginning) position.
   */
  async resetOffsets(options: { groupId: string; topic: string; earliest?: boolean }): Promise<void> {
    const { groupId, topic, earliest = false } = options;
    if (!groupId) throw new KafkaJSNonRetriableError(`Invalid groupId ${groupId}`);
    if (!topic) throw new KafkaJSNonRetriableError(`Invalid topic ${topic}`);
    const partitions = await this.partitionsOf(topic);
    const offset = String(this.cluster.defaultOffset({ fromBeginning: earliest }));
    await this.setOffsets({ groupId, topic, partitions: partitions.map((partition) => ({ partition, offset })) });
  }

  async describeGroups(groupIds: string[]): Promise<GroupDescriptions> {
    const response = await this.retrier(() => this.client.send('describeGroups', (b) => b.describeGroups({ groupIds })));
    return { groups: response.groups.map((g) => toGroupDescription(g)) };
  }

  async listGroups(): Promise<{ groups: GroupOverview[] }> {
    const response = await this.retrier(() => this.client.send('listGroups', (b) => b.listGroups()));
    if (response.errorCode !== 0) throw createErrorFromCode(response.errorCode);
    return { groups: response.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })) };
  }

  /** Deletes groups; rejects with KafkaJSDeleteGroupsError listing the ones that failed. */
  async deleteGroups(groupIds: string[]): Promise<DeleteGroupsResult[]> {
    if (!groupIds || !Array.isArray(groupIds)) throw new KafkaJSNonRetriableError(`Invalid groupIds array ${String(groupIds)}`);
    const response = await this.retrier(() => this.client.send('deleteGroups', (b) => b.deleteGroups({ groupIds })));
    const results: DeleteGroupsResult[] = response.results.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode }));
    const failed = response.results.filter((r) => r.errorCode !== 0);
    if (failed.length > 0) {
      const groups = failed.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode, error: createErrorFromCode(r.errorCode) }));
      throw new KafkaJSDeleteGroupsError('Error in DeleteGroups', groups);
    }
    return results;
  }

  async describeCluster(): Promise<ClusterDescription> {
    await this.retrier(() => this.cluster.refreshMetadata());
    return { brokers: this.cluster.brokers(), controller: this.cluster.controllerId, clusterId: this.cluster.clusterId };
  }

  // ---- kafkajs Admin methods the in-process broker has no API for (BrokerApi lacks them) ----

  /** Not supported: BrokerApi has no DescribeConfigs. Rejects with KafkaJSNotImplemented. */
  describeConfigs(..._args: unknown[]): Promise<never> {
    return notImplemented('describeConfigs');
  }

  alterConfigs(..._args: unknown[]): Promise<never> {
    return notImplemented('alterConfigs');
  }

  describeAcls(..._args: unknown[]): Promise<never> {
    return notImplemented('describeAcls');
  }

  deleteAcls(..._args: unknown[]): Promise<never> {
    return notImplemented('deleteAcls');
  }

  createAcls(..._args: unknown[]): Promise<never> {
    return notImplemented('createAcls');
  }

  deleteTopicRecords(..._args: unknown[]): Promise<never> {
    return notImplemented('deleteTopicRecords');
  }

  alterPartitionReassignments(..._args: unknown[]): Promise<never> {
    return notImplemented('alterPartitionReassignments');
  }

  listPartitionReassignments(..._args: unknown[]): Promise<never> {
    return notImplemented('listPartitionReassignments');
  }

  private async partitionsOf(topic: string): Promise<number[]> {
    const metadata = await this.retrier(() => this.cluster.metadata([topic]));
    const t = metadata.topicMetadata.find((m) => m.topic === topic);
    if (!t) throw createErrorFromCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    if (t.topicErrorCode !== 0) throw createErrorFromCode(t.topicErrorCode);
    return t.partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b);
  }

  private async listOffsets(topic: string, partitions: number[], timestamp: number): Promise<Map<number, string>> {
    const response = await this.retrier(() =>
      this.client.send('listOffsets', (b) => b.listOffsets({ isolationLevel: 1, topics: [{ topic, partitions: partitions.map((partition) => ({ partition, timestamp })) }] })),
    );
    const out = new Map<number, string>();
    for (const t of response.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw createErrorFromCode(p.errorCode);
        out.set(p.partition, String(p.offset));
      }
    }
    return out;
  }
}

function notImplemented(method: string): Promise<never> {
  return Promise.reject(new KafkaJSNotImplemented(`Admin.${method} is not supported by the in-process broker`));
}
