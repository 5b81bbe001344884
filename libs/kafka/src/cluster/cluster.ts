import { EARLIEST_TIMESTAMP, ErrorCode, kafkaError, LATEST_TIMESTAMP, MetadataResponse } from '@peak/protocol';
import { createErrorFromCode, KafkaJSGroupCoordinatorNotFound, KafkaJSProtocolError, KafkaJSTopicMetadataNotLoaded } from '../errors';
import type { AssignerCluster } from '../types/assigner.types';
import type { BrokerMetadata, PartitionMetadata } from '../types/metadata.types';
import { BrokerClient } from './broker-client';

export const DEFAULT_METADATA_MAX_AGE = 300_000;

export interface ClusterOptions {
  allowAutoTopicCreation?: boolean;
  metadataMaxAge?: number;
}

export interface TopicPartitionOffsetQuery {
  topic: string;
  partitions: Array<{ partition: number }>;
  fromBeginning?: boolean;
  fromTimestamp?: number;
}

/** Topic errors that mean "not ready yet": wait and refresh rather than fail. */
const TRANSIENT_TOPIC_ERRORS = new Set<number>([ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);

/**
 * One client's view of the cluster: cached topic metadata for its target topics, the
 * controller, and helpers for the multi-step lookups (coordinators, offsets). Shaped
 * like kafkajs's Cluster where assigners use it. Not safe for concurrent refreshes of
 * different topic sets to interleave meaningfully, but each refresh is atomic.
 */
export class Cluster implements AssignerCluster {
  private readonly targetTopics = new Set<string>();
  private readonly partitionsByTopic = new Map<string, PartitionMetadata[]>();
  private lastMetadata: MetadataResponse | null = null;
  private lastRefresh = 0;
  private connected = false;
  private readonly metadataMaxAge: number;
  private readonly allowAutoTopicCreation: boolean;

  constructor(readonly client: BrokerClient, options: ClusterOptions = {}) {
    this.metadataMaxAge = options.metadataMaxAge ?? DEFAULT_METADATA_MAX_AGE;
    this.allowAutoTopicCreation = options.allowAutoTopicCreation ?? true;
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Checks the broker answers (a metadata request) and loads the target topics. */
  async connect(): Promise<void> {
    await this.refreshMetadata();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }

  getNodeIds(): number[] {
    return this.lastMetadata ? this.lastMetadata.brokers.map((b) => b.nodeId) : [0];
  }

  get controllerId(): number | null {
    return this.lastMetadata ? this.lastMetadata.controllerId : null;
  }

  get clusterId(): string {
    return this.lastMetadata?.clusterId ?? '';
  }

  brokers(): Array<{ nodeId: number; host: string; port: number }> {
    return (this.lastMetadata?.brokers ?? []).map(({ nodeId, host, port }) => ({ nodeId, host, port }));
  }

  /** Loads metadata for the target topics (all known topics when there are none). */
  async refreshMetadata(): Promise<void> {
    const topics = [...this.targetTopics];
    const response = await this.client.send('metadata', (b) => b.metadata({ topics, allowAutoTopicCreation: this.allowAutoTopicCreation }));
    this.lastMetadata = response;
    this.lastRefresh = Date.now();
    for (const t of response.topics) {
      if (t.errorCode !== 0) {
        this.partitionsByTopic.delete(t.topic);
        continue;
      }
      this.partitionsByTopic.set(t.topic, t.partitions.map(toPartitionMetadata).sort((a, b) => a.partitionId - b.partitionId));
    }
    // A target topic still being created (or not yet there) fails retriably; others fail for good.
    const failed = response.topics.find((t) => t.errorCode !== 0 && this.targetTopics.has(t.topic));
    if (failed) {
      const error = createErrorFromCode(failed.errorCode);
      throw TRANSIENT_TOPIC_ERRORS.has(failed.errorCode) ? new KafkaJSProtocolError(kafkaError(failed.errorCode), { retriable: true }) : error;
    }
  }

  async refreshMetadataIfNecessary(): Promise<void> {
    if (Date.now() - this.lastRefresh >= this.metadataMaxAge || !this.lastMetadata) await this.refreshMetadata();
  }

  async addTargetTopic(topic: string): Promise<void> {
    await this.addMultipleTargetTopics([topic]);
  }

  /** Adds topics to follow; loads metadata when one is new or missing. */
  async addMultipleTargetTopics(topics: string[]): Promise<void> {
    let missing = false;
    for (const topic of topics) {
      if (!this.targetTopics.has(topic)) {
        this.targetTopics.add(topic);
        missing = true;
      } else if (!this.partitionsByTopic.has(topic)) {
        missing = true;
      }
    }
    if (missing) await this.refreshMetadata();
  }

  /** Replaces the set of target topics (admin deletes, consumer resubscribes). */
  removeTargetTopics(topics: string[]): void {
    for (const t of topics) {
      this.targetTopics.delete(t);
      this.partitionsByTopic.delete(t);
    }
  }

  /** Cached partitions of `topic`, sorted by id; [] when unknown. */
  findTopicPartitionMetadata(topic: string): PartitionMetadata[] {
    return this.partitionsByTopic.get(topic) ?? [];
  }

  /** Like findTopicPartitionMetadata but fails with KafkaJSTopicMetadataNotLoaded. */
  requireTopicPartitionMetadata(topic: string): PartitionMetadata[] {
    const partitions = this.partitionsByTopic.get(topic);
    if (!partitions || partitions.length === 0) {
      throw new KafkaJSTopicMetadataNotLoaded('Topic metadata not loaded', { topic });
    }
    return partitions;
  }

  findLeaderForPartitions(topic: string, partitions: number[]): { [leader: string]: number[] } {
    const byLeader: { [leader: string]: number[] } = {};
    const meta = this.findTopicPartitionMetadata(topic);
    for (const p of partitions) {
      const leader = String(meta.find((m) => m.partitionId === p)?.leader ?? 0);
      (byLeader[leader] ??= []).push(p);
    }
    return byLeader;
  }

  /** kafkajs's metadata(): the whole cluster, all topics. */
  async metadata(topics: string[] | null = null): Promise<BrokerMetadata> {
    const response = await this.client.send('metadata', (b) => b.metadata({ topics, allowAutoTopicCreation: false }));
    return {
      brokers: response.brokers.map(({ nodeId, host, port, rack }) => ({ nodeId, host, port, ...(rack ? { rack } : {}) })),
      topicMetadata: response.topics.map((t) => ({ topicErrorCode: t.errorCode, topic: t.topic, partitionMetadata: t.partitions.map(toPartitionMetadata) })),
    };
  }

  /** Finds the group coordinator; fails with the coordinator's error or KafkaJSGroupCoordinatorNotFound. */
  async findGroupCoordinator(groupId: string): Promise<{ nodeId: number; host: string; port: number }> {
    const response = await this.client.send('findCoordinator', (b) => b.findCoordinator({ key: groupId, keyType: 0 }));
    if (response.errorCode === ErrorCode.GROUP_COORDINATOR_NOT_AVAILABLE) throw createErrorFromCode(response.errorCode);
    if (response.errorCode !== 0) {
      throw new KafkaJSGroupCoordinatorNotFound(`Failed to find group coordinator: ${kafkaError(response.errorCode).message}`);
    }
    return { nodeId: response.nodeId, host: response.host, port: response.port };
  }

  defaultOffset({ fromBeginning }: { fromBeginning: boolean }): number {
    return fromBeginning ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
  }

  /** ListOffsets for each partition: earliest, latest, or the first at/after a timestamp. */
  async fetchTopicsOffset(queries: TopicPartitionOffsetQuery[]): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>> {
    const response = await this.client.send('listOffsets', (b) =>
      b.listOffsets({
        isolationLevel: 1,
        topics: queries.map((q) => ({
          topic: q.topic,
          partitions: q.partitions.map(({ partition }) => ({
            partition,
            timestamp: q.fromTimestamp ?? this.defaultOffset({ fromBeginning: q.fromBeginning ?? false }),
          })),
        })),
      }),
    );
    return response.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        if (p.errorCode !== 0) throw createErrorFromCode(p.errorCode);
        return { partition: p.partition, offset: String(p.offset) };
      }),
    }));
  }
}

function toPartitionMetadata(p: { errorCode: number; partition: number; leader: number; replicas: number[]; isr: number[]; offlineReplicas: number[] }): PartitionMetadata {
  return { partitionErrorCode: p.errorCode, partitionId: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, offlineReplicas: p.offlineReplicas };
}

export function isProtocolError(e: unknown): e is KafkaJSProtocolError {
  return e instanceof KafkaJSProtocolError;
}
