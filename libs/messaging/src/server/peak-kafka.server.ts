import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, KafkaContext, MessageHandler, Server } from '@nestjs/microservices';
import type { Consumer, ConsumerConfig, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { decodeEvent, dlqTopic, DlqHeaders, TopicName } from '@peak/contracts';
import type { RetryPolicy } from '../config/messaging.config';
import { EventPublisher } from '../publisher/event-publisher';
import { ConsumerHealth } from '../health/consumer-health';
import { classifyFailure } from './failure-classifier';
import { PartitionRetry } from './partition-retry';
import { backoffMs } from './retry-backoff';

/** `@EventPattern(topic, { group })`: the consumer group whose members run this handler. */
export const GROUP_EXTRA = 'group';
const KEY_SEPARATOR = '\u0000';
/** Partitions of one member processed at the same time. */
const PARTITIONS_CONSUMED_CONCURRENTLY = 8;
/** Default for `commitIntervalMs`. */
export const DEFAULT_COMMIT_INTERVAL_MS = 1_000;
/** kafkajs error types (also @peak/kafka's) saying the group is rebalancing or this member's generation is over. */
const REBALANCE_ERROR_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

function isRebalancing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && REBALANCE_ERROR_TYPES.has(String((err as { type?: unknown }).type));
}

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
  /** Where partitions retrying transiently are reported (/health, /metrics); default: a private one. */
  health?: ConsumerHealth;
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
 * handlers must be idempotent.
 *
 * Failures are classified (classifyFailure). A transient one (database unavailable, timeout,
 * deadlock, broker unreachable) is retried without limit and without skipping, with capped
 * exponential backoff shared by the batch's failing messages; meanwhile the partition is
 * paused (the backlog stays in the broker), reported in `health`, and the batch, so nothing
 * after the failing message is committed, holds on (the member heartbeats). A permanent one is
 * retried `retry.maxAttempts` times in all (at once for decode/schema errors and
 * NonRetriableError) and then copied to `<topic>.DLQ` with the error in headers; the partition
 * then moves on.
 */
export class PeakKafkaServer extends Server<never, string> implements CustomTransportStrategy {
  override readonly propagatesEventHandlerErrors = true;
  private readonly log = new Logger(PeakKafkaServer.name);
  private readonly decode: EventDecoder;
  private consumers: Array<{ group: string; consumer: Consumer }> = [];
  private dlqPublisher: EventPublisher | null = null;
  private producer: Producer | null = null;
  private kafka: Kafka | null = null;
  /** Partitions of this server's members that are retrying transiently. */
  readonly health: ConsumerHealth;

  constructor(private readonly options: PeakKafkaServerOptions) {
    super();
    this.decode = options.decode ?? contractDecoder;
    this.health = options.health ?? new ConsumerHealth();
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
      // Only what handleBatch resolves is committed: a batch left with unfinished messages
      // (consumer stopping, partition revoked while it retries) must not be resolved to its end.
      eachBatchAutoResolve: false,
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
    const retry = this.partitionRetry(group, consumer, batch.topic, batch.partition, isRunning);
    let committing: Promise<void> | null = null;
    // The same timer heartbeats, so a batch that takes longer than the session (a slow
    // downstream working through a backlog, a database that is down) does not cost the member
    // its partitions. When the consumer stops or the group rebalances, waiting retries are
    // given up (their messages stay unfinished and uncommitted) so the member can leave or rejoin.
    const timer = setInterval(() => {
      if (!isRunning() || isStale()) retry.abandon();
      heartbeat().catch((err: unknown) => {
        if (isRebalancing(err)) retry.abandon();
        this.log.warn(`${group}: heartbeat inside a batch failed: ${(err as Error).message}`);
      });
      committing ??= commitOffsetsIfNecessary()
        .catch((err: unknown) => this.log.warn(`${group}: committing inside a batch failed: ${(err as Error).message}`))
        .finally(() => (committing = null));
    }, this.options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS);
    try {
      await Promise.all(
        messages.map((m, i) =>
          this.deliver(group, batch.topic, batch.partition, m, consumer, heartbeat, retry).then((done) => {
            if (done) onFinished(i);
          }),
        ),
      );
    } finally {
      clearInterval(timer);
      retry.abandon();
      await committing;
    }
    await heartbeat();
  }

  private partitionRetry(group: string, consumer: Consumer, topic: string, partition: number, isRunning: () => boolean): PartitionRetry {
    const only = [{ topic, partitions: [partition] }];
    return new PartitionRetry({
      group,
      topic,
      partition,
      policy: this.options.retry,
      health: this.health,
      pause: () => consumer.pause(only),
      // A stopped consumer has nothing left to resume (and refuses); after a rebalance the
      // partition must not stay paused in case it comes back to this member.
      resume: () => {
        if (isRunning()) consumer.resume(only);
      },
      onError: (what, err) => this.log.warn(`${group}: ${what} of ${topic}[${partition}] failed: ${(err as Error).message}`),
    });
  }

  /**
   * Runs the handler for one message until it succeeds or the message is dead-lettered (true),
   * or until its batch is given up (false: the message stays unfinished). Transient failures
   * are retried without limit, in the batch's shared turns, with the partition paused;
   * permanent ones `retry.maxAttempts` times in all (at once for decode/schema errors), then
   * the message goes to the DLQ.
   */
  private async deliver(
    group: string,
    topic: string,
    partition: number,
    message: KafkaMessage,
    consumer: Consumer,
    heartbeat: () => Promise<void>,
    retry: PartitionRetry,
  ): Promise<boolean> {
    const handler = this.messageHandlers.get(`${group}${KEY_SEPARATOR}${topic}`);
    if (!handler) return true;
    const started = performance.now();
    let transient = false;
    let permanentFailures = 0;
    try {
      for (let attempt = 1; ; attempt += 1) {
        let failure: unknown;
        try {
          const data = this.decode(topic, message);
          const context = new KafkaContext([message, partition, topic, consumer, heartbeat, this.producer as Producer]);
          const result = await handler(data, context);
          if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
          this.report(group, topic, 'processed', started);
          return true;
        } catch (err) {
          failure = err;
        }
        if (retry.abandoned) return false;
        const verdict = classifyFailure(failure);
        if (verdict.class === 'transient') {
          if (!transient) retry.enter(verdict, failure);
          transient = true;
          if (!(await retry.nextTurn())) return false;
          retry.retried(verdict, failure);
          this.report(group, topic, 'retried', started);
          continue;
        }
        permanentFailures += 1;
        if (verdict.immediate || permanentFailures >= this.options.retry.maxAttempts) {
          if (!(await this.deadLetterUntilDone(group, topic, partition, message, failure, attempt, retry))) return false;
          this.report(group, topic, 'dead-lettered', started);
          return true;
        }
        if (!(await retry.sleep(backoffMs(this.options.retry, permanentFailures)))) return false;
        this.report(group, topic, 'retried', started);
      }
    } finally {
      if (transient) retry.leave();
    }
  }

  /** Copies the message to its DLQ; a broker that cannot take it is a transient failure like any other. */
  private async deadLetterUntilDone(
    group: string,
    topic: string,
    partition: number,
    message: KafkaMessage,
    cause: unknown,
    attempts: number,
    retry: PartitionRetry,
  ): Promise<boolean> {
    let failing = false;
    try {
      for (;;) {
        try {
          await this.deadLetter(group, topic, partition, message, cause, attempts);
          return true;
        } catch (err) {
          if (retry.abandoned) return false;
          const verdict = classifyFailure(err);
          this.log.warn(`${group}: dead-lettering ${topic}[${partition}]@${message.offset} failed (${verdict.reason}): ${(err as Error).message}`);
          if (!failing) retry.enter({ ...verdict, class: 'transient' }, err);
          failing = true;
          if (!(await retry.nextTurn())) return false;
        }
      }
    } finally {
      if (failing) retry.leave();
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
