import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, KafkaContext, MessageHandler, Server } from '@nestjs/microservices';
import type { Consumer, ConsumerConfig, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { decodeEvent, dlqTopic, DlqHeaders, TopicName } from '@peak/contracts';
import type { RetryPolicy } from '../config/messaging.config';
import { EventPublisher } from '../publisher/event-publisher';
import { backoffMs, isPermanentError } from './retry-backoff';

/** `@EventPattern(topic, { group })`: the consumer group whose members run this handler. */
export const GROUP_EXTRA = 'group';
const KEY_SEPARATOR = '\u0000';
/** Partitions of one member processed at the same time. */
const PARTITIONS_CONSUMED_CONCURRENTLY = 8;
/** Default for `commitIntervalMs`. */
export const DEFAULT_COMMIT_INTERVAL_MS = 1_000;

export type EventDecoder = (topic: string, message: KafkaMessage) => unknown;

/** Default decoding: protobuf per @peak/contracts, with the schema-version check. */
export const contractDecoder: EventDecoder = (topic, message) =>
  decodeEvent(topic as TopicName, message.value, message.headers as Record<string, Buffer | string | undefined>);

export interface PeakKafkaServerOptions {
  /** The client (resolved at listen time, so it can come from the application's container). */
  kafka: () => Kafka;
  /** Group of handlers that name none. */
  defaultGroup: string;
  /** Consumers started per group in this process; they share the group's partitions. */
  membersPerGroup: number;
  /** Groups to run in this process (default: every group a handler names). */
  groups?: readonly string[] | null;
  retry: RetryPolicy;
  decode?: EventDecoder;
  consumer?: Partial<Omit<ConsumerConfig, 'groupId'>>;
  /** Where a new group starts reading. Default true: no order is missed on first start. */
  fromBeginning?: boolean;
  /**
   * How often a member commits what it has finished inside a batch (kafkajs autoCommitInterval).
   * A batch can hold thousands of messages that take seconds: lag then falls as they finish,
   * and a crash redelivers at most this much work, not the whole batch.
   */
  commitIntervalMs?: number;
  /** Observes each delivery outcome (metrics). */
  onOutcome?: (outcome: DeliveryOutcome) => void;
}

export interface DeliveryOutcome {
  group: string;
  topic: string;
  result: 'processed' | 'retried' | 'dead-lettered';
  durationMs: number;
}

/**
 * A Nest transport strategy over a kafkajs-shaped client (ours or kafkajs itself).
 *
 * Handlers are `@EventPattern(topic, { group })` methods. Each distinct group gets
 * `membersPerGroup` consumers, so every group sees every event (publish/subscribe) while the
 * members of a group split its partitions (point-to-point). A fetched batch is dispatched
 * concurrently (handlers coalesce their SQL); what is committed is the end of the batch's
 * finished prefix (messages handled or dead-lettered, with none unfinished before them), every
 * `commitIntervalMs` while the batch runs and at its end: delivery is at least once, so
 * handlers must be idempotent. A failing message is retried with exponential backoff, and
 * after `retry.maxAttempts` (at once for permanent errors) is copied to `<topic>.DLQ` with
 * the error in headers; the partition then moves on.
 */
export class PeakKafkaServer extends Server<never, string> implements CustomTransportStrategy {
  override readonly propagatesEventHandlerErrors = true;
  private readonly log = new Logger(PeakKafkaServer.name);
  private readonly decode: EventDecoder;
  private consumers: Array<{ group: string; consumer: Consumer }> = [];
  private dlqPublisher: EventPublisher | null = null;
  private producer: Producer | null = null;
  private kafka: Kafka | null = null;

  constructor(private readonly options: PeakKafkaServerOptions) {
    super();
    this.decode = options.decode ?? contractDecoder;
  }

  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    const group = typeof extras[GROUP_EXTRA] === 'string' ? (extras[GROUP_EXTRA] as string) : this.options.defaultGroup;
    const topic = this.normalizePattern(pattern as string);
    super.addHandler(`${group}${KEY_SEPARATOR}${topic}`, callback, isEventHandler, extras);
  }

  /** Groups and the topics each consumes, as registered by the decorated handlers (only the groups this process runs). */
  subscriptions(): Map<string, string[]> {
    const byGroup = new Map<string, string[]>();
    const only = this.options.groups;
    for (const key of this.messageHandlers.keys()) {
      const [group, topic] = key.split(KEY_SEPARATOR);
      if (only && !only.includes(group)) continue;
      byGroup.set(group, [...(byGroup.get(group) ?? []), topic]);
    }
    return byGroup;
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      this.kafka = this.options.kafka();
      this.dlqPublisher = new EventPublisher(this.kafka);
      this.producer = this.kafka.producer();
      await this.producer.connect();
      // All members of all groups join at once, so each group settles in one rebalance.
      await Promise.all([...this.subscriptions()].map(([group, topics]) => this.startGroupMembers(group, topics)));
      this.log.log(
        `consuming: ${[...this.subscriptions()].map(([g, t]) => `${g}×${this.options.membersPerGroup} ← ${t.join(', ')}`).join(' | ')}`,
      );
      callback();
    } catch (err) {
      callback(err);
    }
  }

  private async startMember(group: string, topics: string[]): Promise<void> {
    const kafka = this.kafka as Kafka;
    const consumer = kafka.consumer({ ...this.options.consumer, groupId: group });
    this.consumers.push({ group, consumer });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning ?? true });
    await consumer.run({
      eachBatchAutoResolve: true,
      autoCommitInterval: this.options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS,
      partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
      eachBatch: (payload) => this.handleBatch(group, consumer, payload),
    });
  }

  private async handleBatch(group: string, consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, resolveOffset, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    if (!isRunning() || isStale()) return;
    const messages = batch.messages;
    // Messages are handled concurrently and finish out of order; what may be committed is the
    // end of the finished prefix. It is resolved as it grows and committed every
    // commitIntervalMs while the batch runs (the runner commits the rest when it ends).
    const finished = new Uint8Array(messages.length);
    let prefix = 0;
    const onFinished = (i: number) => {
      finished[i] = 1;
      if (i !== prefix) return;
      while (prefix < messages.length && finished[prefix]) prefix += 1;
      if (!isStale()) resolveOffset(messages[prefix - 1].offset);
    };
    let committing: Promise<void> | null = null;
    // The same timer heartbeats, so a batch that takes longer than the session (a slow
    // downstream working through a backlog) does not cost the member its partitions.
    const timer = setInterval(() => {
      heartbeat().catch((err: unknown) => this.log.warn(`${group}: heartbeat inside a batch failed: ${(err as Error).message}`));
      committing ??= commitOffsetsIfNecessary()
        .catch((err: unknown) => this.log.warn(`${group}: committing inside a batch failed: ${(err as Error).message}`))
        .finally(() => (committing = null));
    }, this.options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS);
    try {
      await Promise.all(messages.map((m, i) => this.deliver(group, batch.topic, batch.partition, m, consumer, heartbeat).then(() => onFinished(i))));
    } finally {
      clearInterval(timer);
      await committing;
    }
    await heartbeat();
  }

  /** Runs the handler for one message until it succeeds or the message is dead-lettered. */
  private async deliver(
    group: string,
    topic: string,
    partition: number,
    message: KafkaMessage,
    consumer: Consumer,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const handler = this.messageHandlers.get(`${group}${KEY_SEPARATOR}${topic}`);
    if (!handler) return;
    const started = performance.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        const data = this.decode(topic, message);
        const context = new KafkaContext([message, partition, topic, consumer, heartbeat, this.producer as Producer]);
        const result = await handler(data, context);
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        this.report(group, topic, 'processed', started);
        return;
      } catch (err) {
        if (isPermanentError(err) || attempt >= this.options.retry.maxAttempts) {
          await this.deadLetter(group, topic, partition, message, err, attempt);
          this.report(group, topic, 'dead-lettered', started);
          return;
        }
        this.report(group, topic, 'retried', started);
        await new Promise((r) => setTimeout(r, backoffMs(this.options.retry, attempt)));
      }
    }
  }

  private async deadLetter(group: string, topic: string, partition: number, message: KafkaMessage, err: unknown, attempts: number): Promise<void> {
    const error = err instanceof Error ? err : new Error(String(err));
    this.log.warn(`${group}: ${topic}[${partition}]@${message.offset} → ${dlqTopic(topic)} after ${attempts} attempt(s): ${error.message}`);
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      [DlqHeaders.Error]: error.message.slice(0, 1_000),
      [DlqHeaders.ErrorName]: error.name,
      [DlqHeaders.Attempts]: String(attempts),
      [DlqHeaders.OriginalTopic]: topic,
      [DlqHeaders.OriginalPartition]: String(partition),
      [DlqHeaders.OriginalOffset]: message.offset,
      [DlqHeaders.FailedAt]: new Date().toISOString(),
      [DlqHeaders.ConsumerGroup]: group,
    };
    await (this.dlqPublisher as EventPublisher).publishRaw(dlqTopic(topic), { key: message.key, value: message.value, headers });
  }

  private report(group: string, topic: string, result: DeliveryOutcome['result'], started: number): void {
    this.options.onOutcome?.({ group, topic, result, durationMs: performance.now() - started });
  }

  /** Stops every member (in-flight batches finish first), then the producers. */
  async close(): Promise<void> {
    const consumers = this.consumers;
    this.consumers = [];
    await Promise.all(consumers.map(({ consumer }) => consumer.disconnect().catch(() => undefined)));
    await this.dlqPublisher?.close();
    await this.producer?.disconnect().catch(() => undefined);
    this.dlqPublisher = null;
    this.producer = null;
  }

  /** Stops the members of one group (tests: a consumer going away mid-stream). */
  async stopGroup(group: string): Promise<void> {
    const mine = this.consumers.filter((c) => c.group === group);
    this.consumers = this.consumers.filter((c) => c.group !== group);
    await Promise.all(mine.map(({ consumer }) => consumer.disconnect()));
  }

  /** Starts the members of one group again (after stopGroup). */
  async startGroup(group: string): Promise<void> {
    const topics = this.subscriptions().get(group);
    if (!topics) throw new Error(`no handlers for group ${group}`);
    await this.startGroupMembers(group, topics);
  }

  private async startGroupMembers(group: string, topics: string[]): Promise<void> {
    await Promise.all(Array.from({ length: this.options.membersPerGroup }, () => this.startMember(group, topics)));
  }

  on(): never {
    throw new Error(`${PeakKafkaServer.name} does not support event listeners`);
  }

  unwrap<T>(): T {
    return this.kafka as T;
  }
}
