import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BrokerApi,
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteGroupsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  ConfigResourceType,
  DescribeConfigsRequest,
  DescribeConfigsResponse,
  DescribeGroupsResponse,
  EARLIEST_TIMESTAMP,
  ErrorCode,
  FetchRequest,
  FetchResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  InitProducerIdRequest,
  InitProducerIdResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LATEST_TIMESTAMP,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  MetadataRequest,
  MetadataResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  ProduceRequest,
  ProduceResponse,
  SyncGroupRequest,
  SyncGroupResponse,
  TopicMetadata,
} from '@peak/protocol';
import { GroupCoordinator } from '../coordinator';
import { DEFAULT_LOG_CONFIG, LOG_CONFIG_NAMES } from '../storage/log-config';
import { DiskLogStorage, MemoryLogStorage } from '../storage';
import { LogStorage } from '../storage/storage.interface';
import { DEFAULT_BROKER_OPTIONS, EmbeddedBrokerOptions, isValidTopicName } from './broker-options';
import { FetchHandler } from './fetch-handler';
import { AutoCreateBudget, ProduceHandler } from './produce-handler';
import { TopicAdmin } from './topic-admin';
import { Topic, TopicRegistry } from './topic-registry';

export type EmbeddedBrokerConfig = Partial<Omit<EmbeddedBrokerOptions, 'log'>> & { log?: Partial<EmbeddedBrokerOptions['log']> };

/**
 * A single-node Kafka broker inside this process: topics and partitions over a segment log
 * (or memory), consumer groups with committed offsets, idempotent producers, long-poll
 * fetch. Implements BrokerApi, which the in-process client calls directly and the wire
 * server exposes over TCP.
 *
 * Durability: acks=0 and acks=1 are answered once the batch is written to the log file
 * (in the OS page cache: it survives this process crashing, not the machine). acks=-1 is
 * answered only after fdatasync; concurrent producers share one sync (group commit).
 */
export class EmbeddedBroker implements BrokerApi {
  readonly options: Readonly<EmbeddedBrokerOptions>;
  private readonly producer: ProduceHandler;
  private readonly fetcher: FetchHandler;
  private readonly admin: TopicAdmin;
  private readonly retentionTimer: NodeJS.Timeout;
  private closed = false;

  private constructor(
    options: EmbeddedBrokerOptions,
    private readonly storage: LogStorage,
    private readonly topics: TopicRegistry,
    private readonly coordinator: GroupCoordinator,
  ) {
    this.options = options;
    this.producer = new ProduceHandler((name, budget) => this.ensureTopic(name, budget, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), options.maxAutoCreatedTopicsPerRequest);
    this.fetcher = new FetchHandler(topics);
    this.admin = new TopicAdmin(topics, options, (topic) => coordinator.onTopicDeleted(topic));
    this.retentionTimer = setInterval(() => this.applyRetention(), options.retentionCheckIntervalMs);
    this.retentionTimer.unref();
  }

  /** Opens (recovering) or creates a broker. With no dataDir everything stays in memory. */
  static async start(config: EmbeddedBrokerConfig = {}): Promise<EmbeddedBroker> {
    const options: EmbeddedBrokerOptions = {
      ...DEFAULT_BROKER_OPTIONS,
      ...config,
      log: { ...DEFAULT_LOG_CONFIG, ...config.log },
    };
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const storage = options.storage ?? (options.dataDir ? new DiskLogStorage(join(options.dataDir, 'logs'), { maxOpenFiles: options.maxOpenLogFiles }) : new MemoryLogStorage());
    const topics = await TopicRegistry.open(storage, options.log, options.dataDir ?? null);
    const coordinator = await GroupCoordinator.open({
      dataDir: options.dataDir ? join(options.dataDir, 'groups') : undefined,
      initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs,
      minSessionTimeoutMs: options.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: options.groupMaxSessionTimeoutMs,
      partitionExists: (topic, partition) => topics.partition(topic, partition) !== undefined,
    });
    return new EmbeddedBroker(options, storage, topics, coordinator);
  }

  /** Tells clients where to connect (the wire server sets this to its listening address). */
  setAdvertisedListener(host: string, port: number): void {
    (this.options as EmbeddedBrokerOptions).advertisedHost = host;
    (this.options as EmbeddedBrokerOptions).advertisedPort = port;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---- data path ----

  produce(request: ProduceRequest): Promise<ProduceResponse> {
    return this.producer.produce(request);
  }

  fetch(request: FetchRequest): Promise<FetchResponse> {
    return this.fetcher.fetch(request);
  }

  /** LATEST is the durable end (Kafka's high watermark), after a sync of what was appended before the request. */
  async listOffsets(request: ListOffsetsRequest): Promise<ListOffsetsResponse> {
    const syncs = request.topics.flatMap(({ topic, partitions }) =>
      partitions.map(({ partition }) => this.topics.partition(topic, partition)?.log).filter((log) => log && !log.isOffline() && log.durableEndOffset() < log.logEndOffset()),
    );
    await Promise.all(syncs.map((log) => log?.flush().catch(() => undefined)));
    return {
      topics: request.topics.map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map(({ partition, timestamp }) => {
          const p = this.topics.partition(topic, partition);
          if (!p) return { partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1, offset: -1 };
          if (p.log.isOffline()) return { partition, errorCode: ErrorCode.KAFKA_STORAGE_ERROR, timestamp: -1, offset: -1 };
          if (timestamp === LATEST_TIMESTAMP) return { partition, errorCode: ErrorCode.NONE, timestamp: -1, offset: p.log.durableEndOffset() };
          if (timestamp === EARLIEST_TIMESTAMP) return { partition, errorCode: ErrorCode.NONE, timestamp: -1, offset: p.log.logStartOffset() };
          const offset = p.log.offsetForTimestamp(timestamp);
          return { partition, errorCode: ErrorCode.NONE, timestamp: offset === null ? -1 : timestamp, offset: offset ?? -1 };
        }),
      })),
    };
  }

  // ---- metadata ----

  /**
   * Topics named (or all). With allowAutoTopicCreation, missing topics are created, at most
   * maxAutoCreatedTopicsPerRequest per request, the rest answered LEADER_NOT_AVAILABLE
   * (retriable: the client asks again). A topic another request is creating is answered once
   * it exists: many producers asking for one new topic at once all get it on their first try.
   */
  async metadata(request: MetadataRequest): Promise<MetadataResponse> {
    const names = request.topics ?? [...this.topics.all()].map((t) => t.name);
    const budget: AutoCreateBudget = { left: this.options.maxAutoCreatedTopicsPerRequest };
    // Creations of one request run side by side, so their metadata writes share group commits.
    const lookups = names.map((name) => (request.allowAutoTopicCreation ? this.ensureTopic(name, budget, ErrorCode.LEADER_NOT_AVAILABLE) : this.topics.get(name) ?? this.unknownTopic(name)));
    const found = lookups.some((l) => l instanceof Promise) ? await Promise.all(lookups) : (lookups as Array<number | Topic>);
    const topics = found.map((t, i): TopicMetadata => (typeof t === 'number' ? { errorCode: t, topic: names[i], isInternal: false, partitions: [] } : this.describeTopic(t)));
    const { nodeId, advertisedHost, advertisedPort, clusterId } = this.options;
    return { brokers: [{ nodeId, host: advertisedHost, port: advertisedPort, rack: null }], clusterId, controllerId: nodeId, topics };
  }

  async findCoordinator(_request: FindCoordinatorRequest): Promise<FindCoordinatorResponse> {
    const { nodeId, advertisedHost, advertisedPort } = this.options;
    return { errorCode: ErrorCode.NONE, errorMessage: null, nodeId, host: advertisedHost, port: advertisedPort };
  }

  // ---- topics ----

  /** Kafka's topic ID of `name` (a canonical 36-character UUID), or undefined when no such topic exists. */
  topicIdOf(name: string): string | undefined {
    return this.topics.get(name)?.id;
  }

  /** The topic whose ID is `id` (any letter case), or undefined when none has it. */
  topicNameOf(id: string): string | undefined {
    return this.topics.nameOf(id);
  }

  /**
   * Kafka's DescribeConfigs: a topic's log configs (overrides marked non-default) plus
   * cleanup.policy=delete; for the broker (any name) its topic defaults and num.partitions.
   */
  async describeConfigs(request: DescribeConfigsRequest): Promise<DescribeConfigsResponse> {
    const results = request.resources.map(({ resourceType, resourceName, configNames }) => {
      const base = { resourceType, resourceName, errorCode: ErrorCode.NONE, errorMessage: null };
      const topic = resourceType === ConfigResourceType.TOPIC ? this.topics.get(resourceName) : undefined;
      if (resourceType === ConfigResourceType.TOPIC && topic === undefined) {
        return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${resourceName} does not exist`, configs: [] };
      }
      if (resourceType !== ConfigResourceType.TOPIC && resourceType !== ConfigResourceType.BROKER) {
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Resource type ${resourceType} has no configs here`, configs: [] };
      }
      const log = topic?.config ?? this.options.log;
      const entries: Array<[string, string, boolean]> = Object.entries(LOG_CONFIG_NAMES).map(([name, field]) => [name, String(log[field]), !(topic && name in topic.overrides)]);
      entries.push(['cleanup.policy', 'delete', true]);
      if (!topic) entries.push(['num.partitions', String(this.options.numPartitions), true], ['auto.create.topics.enable', String(this.options.autoCreateTopics), true]);
      const wanted = configNames === null || configNames.length === 0 ? null : new Set(configNames);
      const configs = entries
        .filter(([name]) => wanted === null || wanted.has(name))
        .map(([name, value, isDefault]) => ({ name, value, readOnly: !topic, isDefault, isSensitive: false }));
      return { ...base, configs };
    });
    return { results };
  }

  async createTopics(request: CreateTopicsRequest): Promise<CreateTopicsResponse> {
    return this.admin.createTopics(request);
  }

  deleteTopics(request: DeleteTopicsRequest): Promise<DeleteTopicsResponse> {
    return this.admin.deleteTopics(request);
  }

  async createPartitions(request: CreatePartitionsRequest): Promise<CreatePartitionsResponse> {
    return this.admin.createPartitions(request);
  }

  async initProducerId(request: InitProducerIdRequest): Promise<InitProducerIdResponse> {
    if (request.transactionalId) return { errorCode: ErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1 };
    return { errorCode: ErrorCode.NONE, producerId: await this.topics.allocateProducerId(), producerEpoch: 0 };
  }

  // ---- consumer groups (the coordinator) ----

  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse> {
    return this.coordinator.joinGroup(request);
  }
  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResponse> {
    return this.coordinator.syncGroup(request);
  }
  heartbeat(request: HeartbeatRequest): Promise<HeartbeatResponse> {
    return this.coordinator.heartbeat(request);
  }
  leaveGroup(request: LeaveGroupRequest): Promise<LeaveGroupResponse> {
    return this.coordinator.leaveGroup(request);
  }
  offsetCommit(request: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    return this.coordinator.offsetCommit(request);
  }
  offsetFetch(request: OffsetFetchRequest): Promise<OffsetFetchResponse> {
    return this.coordinator.offsetFetch(request);
  }
  describeGroups(request: { groupIds: string[] }): Promise<DescribeGroupsResponse> {
    return this.coordinator.describeGroups(request);
  }
  listGroups(): Promise<ListGroupsResponse> {
    return this.coordinator.listGroups();
  }
  deleteGroups(request: { groupIds: string[] }): Promise<DeleteGroupsResponse> {
    return this.coordinator.deleteGroups(request);
  }

  // ---- lifecycle ----

  /** Runs retention on every log now (the broker also does so every retentionCheckIntervalMs). */
  applyRetention(now = Date.now()): number {
    let deleted = 0;
    for (const topic of this.topics.all()) for (const p of topic.partitions) deleted += p.log.applyRetention(now);
    return deleted;
  }

  /** Answers parked fetches, stops group timers, flushes and closes every log. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.retentionTimer);
    this.fetcher.releaseAll();
    await this.coordinator.close();
    await this.topics.close();
    await this.storage.close();
  }

  /**
   * The topic, or an error code: auto-creates within `budget` (over it: `overBudget`,
   * LEADER_NOT_AVAILABLE for Metadata, UNKNOWN_TOPIC_OR_PARTITION for Produce, both
   * retriable). A topic another request is creating is awaited (that costs no work here).
   */
  private ensureTopic(name: string, budget: AutoCreateBudget, overBudget: number): number | Topic | Promise<number | Topic> {
    const existing = this.topics.get(name);
    if (existing) return existing;
    if (!isValidTopicName(name)) return ErrorCode.INVALID_TOPIC_EXCEPTION;
    if (!this.options.autoCreateTopics) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const pending = this.topics.creating(name);
    if (pending) return pending.catch(() => ErrorCode.KAFKA_STORAGE_ERROR);
    if (budget.left <= 0) return overBudget;
    const partitions = this.options.numPartitions;
    const limited = this.admin.checkPartitionLimits(partitions, partitions);
    if (limited) return limited.errorCode;
    budget.left--;
    return this.topics.create(name, partitions, {}).catch(() => ErrorCode.KAFKA_STORAGE_ERROR);
  }

  private unknownTopic(name: string): number {
    return isValidTopicName(name) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_TOPIC_EXCEPTION;
  }

  private describeTopic(topic: Topic): TopicMetadata {
    const node = this.options.nodeId;
    return {
      errorCode: ErrorCode.NONE,
      topic: topic.name,
      isInternal: false,
      partitions: topic.partitions.map((p) => ({ errorCode: ErrorCode.NONE, partition: p.id, leader: node, replicas: [node], isr: [node], offlineReplicas: [] })),
    };
  }
}
