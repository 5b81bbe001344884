import { BrokerClient } from '../cluster/broker-client';
import { Cluster } from '../cluster/cluster';
import { KafkaJSNonRetriableError } from '../errors';
import { ConsumerEventNames, ConsumerEvents, InstrumentationEmitter, InstrumentationEvent } from '../instrumentation';
import type { Logger } from '../logger/logger';
import { RETRY_DEFAULTS } from '../retry';
import type { ConsumerConfig } from '../types/config.types';
import type { ConsumerRunConfig, ConsumerSubscribeTopic, ConsumerSubscribeTopics, GroupDescription } from '../types/consumer.types';
import type { TopicPartitionOffset, TopicPartitionOffsetAndMetadata, TopicPartitions } from '../types/metadata.types';
import { PartitionAssigners } from './assigners';
import { ConsumerGroup } from './consumer-group';
import { toGroupDescription } from './group-description';
import { OffsetManager } from './offset-manager';
import { PauseState } from './pause-state';
import { Runner } from './runner';

export const CONSUMER_DEFAULTS = {
  sessionTimeout: 30_000,
  rebalanceTimeout: 60_000,
  heartbeatInterval: 3_000,
  maxBytesPerPartition: 1_048_576,
  minBytes: 1,
  maxBytes: 10_485_760,
  maxWaitTimeInMs: 5_000,
} as const;

const READ_COMMITTED = 1;
const READ_UNCOMMITTED = 0;

/**
 * kafkajs's Consumer over BrokerApi. subscribe() before run(); run() resolves once the
 * member has joined its group and the fetch loop has started. A crash (retries exhausted)
 * emits CRASH and, when the error is retriable and restartOnFailure allows, restarts the
 * consumer after the retry time, as kafkajs does.
 */
export class Consumer {
  readonly events: ConsumerEvents = ConsumerEventNames;
  private readonly topics = new Map<string, { fromBeginning: boolean }>();
  private readonly pauses = new PauseState();
  private group: ConsumerGroup | null = null;
  private offsets: OffsetManager | null = null;
  private runner: Runner | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly groupId: string;

  constructor(
    private readonly client: BrokerClient,
    private readonly cluster: Cluster,
    private readonly emitter: InstrumentationEmitter,
    private readonly log: Logger,
    private readonly config: ConsumerConfig,
  ) {
    if (!config || !config.groupId) throw new KafkaJSNonRetriableError('Consumer groupId must be a non-empty string.');
    this.groupId = config.groupId;
    const sessionTimeout = config.sessionTimeout ?? CONSUMER_DEFAULTS.sessionTimeout;
    const heartbeatInterval = config.heartbeatInterval ?? CONSUMER_DEFAULTS.heartbeatInterval;
    if (heartbeatInterval >= sessionTimeout) {
      throw new KafkaJSNonRetriableError(`Consumer heartbeatInterval (${heartbeatInterval}) must be lower than sessionTimeout (${sessionTimeout}). It is recommended to set heartbeatInterval to approximately a third of the sessionTimeout.`);
    }
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
    this.emitter.emit(this.events.CONNECT, null);
  }

  async disconnect(): Promise<void> {
    await this.stop();
    await this.cluster.disconnect();
    this.emitter.emit(this.events.DISCONNECT, null);
  }

  /** Subscribes to topics by name or RegExp (matched against the topics that exist now). */
  async subscribe(subscription: ConsumerSubscribeTopics | ConsumerSubscribeTopic): Promise<void> {
    if (this.group) throw new KafkaJSNonRetriableError('Cannot subscribe to topic while consumer is running');
    const single = (subscription as ConsumerSubscribeTopic).topic;
    const many = (subscription as ConsumerSubscribeTopics).topics;
    if (!single && !many) throw new KafkaJSNonRetriableError('Missing required argument "topics"');
    if (many !== undefined && many !== null && !Array.isArray(many)) throw new KafkaJSNonRetriableError('Argument "topics" must be an array');
    const entries = many ?? [single];
    for (const s of entries) {
      if (typeof s !== 'string' && !(s instanceof RegExp)) {
        throw new KafkaJSNonRetriableError(`Invalid topic ${String(s)} (${typeof s}), the topic name has to be a String or a RegExp`);
      }
    }
    const needsList = entries.some((s) => s instanceof RegExp);
    const existing = needsList ? (await this.cluster.metadata()).topicMetadata.map((t) => t.topic) : [];
    const names: string[] = [];
    for (const s of entries) {
      if (s instanceof RegExp) names.push(...existing.filter((t) => s.test(t)));
      else names.push(s);
    }
    const fromBeginning = subscription.fromBeginning ?? false;
    for (const t of names) this.topics.set(t, { fromBeginning });
    await this.cluster.addMultipleTargetTopics(names);
  }

  /** Joins the group and starts consuming; resolves when the fetch loop is running. */
  async run(config: ConsumerRunConfig = {}): Promise<void> {
    if (this.group) {
      this.log.warn('consumer#run was called, but the consumer is already running', { groupId: this.groupId });
      return;
    }
    await this.start(config);
  }

  private async start(run: ConsumerRunConfig): Promise<void> {
    const c = this.config;
    const autoCommit = run.autoCommit ?? true;
    const heartbeatInterval = c.heartbeatInterval ?? CONSUMER_DEFAULTS.heartbeatInterval;
    const rebalanceTimeout = c.rebalanceTimeout ?? CONSUMER_DEFAULTS.rebalanceTimeout;
    const group = new ConsumerGroup(this.client, this.cluster, this.emitter, this.log, {
      groupId: this.groupId,
      sessionTimeout: c.sessionTimeout ?? CONSUMER_DEFAULTS.sessionTimeout,
      rebalanceTimeout,
      heartbeatInterval,
      assigners: (c.partitionAssigners ?? [PartitionAssigners.roundRobin]).map((create) => create({ cluster: this.cluster, groupId: this.groupId, logger: this.log })),
    });
    const offsets = new OffsetManager({
      client: this.client,
      emitter: this.emitter,
      groupId: this.groupId,
      autoCommit,
      autoCommitInterval: run.autoCommitInterval ?? null,
      autoCommitThreshold: run.autoCommitThreshold ?? null,
      generation: () => ({ generationId: group.generationId, memberId: group.memberId }),
    });
    const runner = new Runner({
      client: this.client,
      cluster: this.cluster,
      group,
      offsets,
      pauses: this.pauses,
      emitter: this.emitter,
      logger: this.log,
      subscribedTopics: [...this.topics.keys()],
      fromBeginning: (topic) => this.topics.get(topic)?.fromBeginning ?? false,
      fetch: {
        maxWaitTimeInMs: c.maxWaitTimeInMs ?? CONSUMER_DEFAULTS.maxWaitTimeInMs,
        minBytes: c.minBytes ?? CONSUMER_DEFAULTS.minBytes,
        maxBytes: c.maxBytes ?? CONSUMER_DEFAULTS.maxBytes,
        maxBytesPerPartition: c.maxBytesPerPartition ?? CONSUMER_DEFAULTS.maxBytesPerPartition,
        isolationLevel: c.readUncommitted ? READ_UNCOMMITTED : READ_COMMITTED,
      },
      heartbeatInterval,
      maxProcessingMs: rebalanceTimeout,
      retry: c.retry,
      autoCommit,
      eachBatchAutoResolve: run.eachBatchAutoResolve ?? true,
      concurrency: run.partitionsConsumedConcurrently ?? 1,
      eachMessage: run.eachMessage,
      eachBatch: run.eachBatch,
      onCrash: (e) => void this.onCrash(e, run),
    });
    this.group = group;
    this.offsets = offsets;
    this.runner = runner;
    this.log.info('Starting', { groupId: this.groupId });
    try {
      await runner.start();
    } catch (e) {
      await this.onCrash(e as Error, run);
    }
  }

  private async onCrash(e: Error, run: ConsumerRunConfig): Promise<void> {
    this.log.error(`Crash: ${e.name}: ${e.message}`, { groupId: this.groupId, retryCount: (e as { retryCount?: number }).retryCount });
    await this.disconnect().catch(() => undefined);
    const original = rootCause(e);
    const retriable = e.name === 'KafkaJSNumberOfRetriesExceeded' || (original as { retriable?: boolean }).retriable === true;
    let restart = retriable;
    if (restart && this.config.retry?.restartOnFailure) {
      restart = await this.config.retry.restartOnFailure(e).catch((err: unknown) => {
        this.log.error('Caught error when invoking user-provided "restartOnFailure" callback. Defaulting to restarting.', { error: (err as Error).message });
        return true;
      });
    }
    this.emitter.emit(this.events.CRASH, { error: e, groupId: this.groupId, restart });
    if (!restart) return;
    const retryTime = (e as { retryTime?: number }).retryTime || this.config.retry?.initialRetryTime || RETRY_DEFAULTS.initialRetryTime;
    this.log.error(`Restarting the consumer in ${retryTime}ms`, { groupId: this.groupId });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.cluster.connect().then(() => this.start(run)).catch((err: unknown) => this.onCrash(err as Error, run));
    }, retryTime);
  }

  /** Stops fetching, commits what was processed and leaves the group. */
  async stop(): Promise<void> {
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    const runner = this.runner;
    if (!runner) return;
    this.runner = null;
    this.group = null;
    this.offsets = null;
    await runner.stop();
    this.emitter.emit(this.events.STOP, null);
  }

  async commitOffsets(topicPartitions: TopicPartitionOffsetAndMetadata[] = []): Promise<void> {
    const byTopic = new Map<string, Array<{ partition: number; offset: string; metadata: string | null }>>();
    for (const { topic, partition, offset, metadata = null } of topicPartitions) {
      if (!topic) throw new KafkaJSNonRetriableError(`Invalid topic ${topic}`);
      if (Number.isNaN(Number(partition))) throw new KafkaJSNonRetriableError(`Invalid partition, expected a number received ${partition}`);
      if (!/^-?\d+$/.test(String(offset))) throw new KafkaJSNonRetriableError(`Invalid offset, expected a long received ${offset}`);
      if (Number(offset) < 0) throw new KafkaJSNonRetriableError('Offset must not be a negative number');
      if (metadata !== null && typeof metadata !== 'string') throw new KafkaJSNonRetriableError(`Invalid offset metadata, expected string or null, received ${String(metadata)}`);
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push({ partition, offset: String(offset), metadata });
    }
    const runner = this.requireRunner();
    await runner.commitOffsets({ topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
  }

  /** Moves a partition's position; takes effect before the next fetch (kafkajs semantics). */
  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    if (!topic) throw new KafkaJSNonRetriableError(`Invalid topic ${topic}`);
    if (Number.isNaN(Number(partition))) throw new KafkaJSNonRetriableError(`Invalid partition, expected a number received ${partition}`);
    if (!/^-?\d+$/.test(String(offset))) throw new KafkaJSNonRetriableError(`Invalid offset, expected a long received ${offset}`);
    if (Number(offset) < 0 && offset !== '-1' && offset !== '-2') throw new KafkaJSNonRetriableError('Offset must not be a negative number');
    this.requireRunner().seek(topic, partition, String(offset));
  }

  async describeGroup(): Promise<GroupDescription> {
    const response = await this.client.send('describeGroups', (b) => b.describeGroups({ groupIds: [this.groupId] }));
    return toGroupDescription(response.groups[0]);
  }

  pause(topicPartitions: Array<{ topic: string; partitions?: number[] }>): void {
    this.validateTopicPartitions(topicPartitions);
    this.requireRunner();
    this.pauses.pause(topicPartitions);
    this.runner?.interrupt();
  }

  resume(topicPartitions: Array<{ topic: string; partitions?: number[] }>): void {
    this.validateTopicPartitions(topicPartitions);
    this.requireRunner();
    this.pauses.resume(topicPartitions);
    this.runner?.interrupt();
  }

  paused(): TopicPartitions[] {
    return this.group ? this.pauses.paused(this.group.assignment) : [];
  }

  logger(): Logger {
    return this.log;
  }

  on<T>(eventName: string, listener: (event: InstrumentationEvent<T>) => unknown): () => void {
    if (!(Object.values(this.events) as string[]).includes(eventName)) {
      throw new KafkaJSNonRetriableError(`Event name should be one of ${Object.keys(this.events).map((k) => `consumer.events.${k}`)}`);
    }
    return this.emitter.addListener(eventName, listener);
  }

  private requireRunner(): Runner {
    if (!this.runner) throw new KafkaJSNonRetriableError('Consumer group was not initialized, consumer#run must be called first');
    return this.runner;
  }

  private validateTopicPartitions(topicPartitions: Array<{ topic: string; partitions?: number[] }>): void {
    for (const tp of topicPartitions) {
      if (!tp || typeof tp.topic !== 'string') throw new KafkaJSNonRetriableError(`Invalid topic ${String(tp?.topic)}`);
      if (tp.partitions !== undefined && !Array.isArray(tp.partitions)) {
        throw new KafkaJSNonRetriableError(`Array of partitions required for topic ${tp.topic}`);
      }
    }
  }
}

function rootCause(e: Error): Error {
  let current = e;
  while (current.cause instanceof Error) current = current.cause;
  return current;
}
