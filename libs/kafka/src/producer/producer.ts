import { CompressionCodec, encodeRecordBatch, ErrorCode, kafkaError, ProduceResponse, RecordInput } from '@peak/protocol';
import { BrokerClient } from '../cluster/broker-client';
import { Cluster } from '../cluster/cluster';
import { createErrorFromCode, KafkaJSError, KafkaJSNonRetriableError, KafkaJSNotImplemented, KafkaJSProtocolError } from '../errors';
import { InstrumentationEmitter, InstrumentationEvent, ProducerEventNames, ProducerEvents } from '../instrumentation';
import type { Logger } from '../logger/logger';
import { createRetry, Retrier } from '../retry';
import type { ProducerConfig } from '../types/config.types';
import type { ProducerBatch, ProducerRecord, RecordMetadata } from '../types/message.types';
import { CompressionTypes } from './compression';
import { groupMessagesByPartition, validateMessages } from './message-grouper';
import { Partitioners } from './partitioners';
import { ProducerIdentity } from './producer-identity';

export const DEFAULT_ACKS = -1;
export const DEFAULT_PRODUCE_TIMEOUT = 30_000;

/** One encoded batch waiting for (or being retried to) the broker. */
interface PendingBatch {
  topic: string;
  partition: number;
  records: Buffer;
  /** What it was encoded from, to encode it again under a new producer id. */
  inputs: RecordInput[];
  timestamp: number;
  compression: CompressionCodec;
  /** The producer id it was encoded under (-1: not idempotent). */
  producerId: number;
}

/**
 * kafkajs's Producer on top of BrokerApi. Each send groups its messages into one
 * RecordBatch per partition and sends them in one Produce request; retriable failures are
 * retried (kafkajs's retry policy) for the partitions that failed only, re-sending the
 * same bytes, so an idempotent producer's retries are deduplicated by the broker. An
 * idempotent send that fails for good, or a batch refused as OUT_OF_ORDER_SEQUENCE_NUMBER
 * (a gap left by such a send), moves the producer to a new producer id instead of wedging
 * the partition (see ProducerIdentity); the refused batch is encoded again and retried.
 * Concurrent sends are safe; per-partition order holds between sends awaited in order.
 */
export class Producer {
  readonly events: ProducerEvents = ProducerEventNames;
  private readonly retrier: Retrier;
  private readonly partitioner: ReturnType<NonNullable<ProducerConfig['createPartitioner']>>;
  private readonly idempotent: boolean;
  private readonly identity: ProducerIdentity;
  private connected = false;

  constructor(
    private readonly client: BrokerClient,
    private readonly cluster: Cluster,
    private readonly emitter: InstrumentationEmitter,
    private readonly log: Logger,
    config: ProducerConfig,
  ) {
    this.retrier = createRetry(config.retry);
    this.partitioner = (config.createPartitioner ?? Partitioners.DefaultPartitioner)();
    this.idempotent = config.idempotent ?? false;
    this.identity = new ProducerIdentity(client);
    if (config.transactionalId) this.log.warn('Transactions are not supported; transactionalId is ignored');
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
    this.connected = true;
    if (this.idempotent) await this.identity.ensure();
    this.emitter.emit(this.events.CONNECT, null);
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.cluster.disconnect();
    this.emitter.emit(this.events.DISCONNECT, null);
  }

  isIdempotent(): boolean {
    return this.idempotent;
  }

  logger(): Logger {
    return this.log;
  }

  on<T>(eventName: string, listener: (event: InstrumentationEvent<T>) => unknown): () => void {
    const names = Object.values(this.events) as string[];
    if (!names.includes(eventName)) {
      throw new KafkaJSNonRetriableError(`Event name should be one of ${Object.keys(this.events).map((k) => `producer.events.${k}`)}`);
    }
    return this.emitter.addListener(eventName, listener);
  }

  async transaction(): Promise<never> {
    throw new KafkaJSNotImplemented('Transactions are not supported by this client');
  }

  /** Sends messages to one topic; resolves with one RecordMetadata per partition written. */
  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const { topic, messages, ...rest } = record;
    return this.sendBatch({ ...rest, topicMessages: [{ topic, messages }] });
  }

  /** Sends messages to several topics in one request per attempt. */
  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    const acks = batch.acks ?? DEFAULT_ACKS;
    const timeoutMs = batch.timeout ?? DEFAULT_PRODUCE_TIMEOUT;
    const compression = batch.compression ?? CompressionTypes.None;
    const topicMessages = batch.topicMessages ?? [];
    if (!this.connected) throw new KafkaJSError('The producer is disconnected');
    if (acks !== -1 && acks !== 0 && acks !== 1) throw new KafkaJSNonRetriableError(`Invalid acks ${acks}`);
    if (this.idempotent && acks !== -1) {
      throw new KafkaJSNonRetriableError("Not requiring ack for all messages invalidates the idempotent producer's EoS guarantees");
    }
    for (const { topic, messages } of topicMessages) validateMessages(topic, messages);
    if (topicMessages.every((t) => t.messages.length === 0)) return [];

    let pending: PendingBatch[] | null = null;
    const results: RecordMetadata[] = [];
    try {
      await this.retrier(async () => {
        if (this.idempotent) await this.identity.ensure();
        if (pending === null) {
          await this.cluster.addMultipleTargetTopics(topicMessages.map((t) => t.topic));
          pending = this.encode(topicMessages, compression as number as CompressionCodec);
        } else if (this.idempotent) {
          pending = pending.map((b) => (b.producerId === this.identity.producerId ? b : this.encodeOne(b.topic, b.partition, b.inputs, b.timestamp, b.compression)));
        }
        const response = await this.client.send('produce', (b) =>
          b.produce({ transactionalId: null, acks: acks as -1 | 0 | 1, timeoutMs: timeoutMs, topics: groupByTopic(pending as PendingBatch[]) }),
        );
        const outcome = this.collect(pending, response, acks, results);
        pending = outcome.retry;
        if (pending.length > 0) {
          await this.cluster.refreshMetadata().catch(() => undefined);
          throw outcome.error ?? createErrorFromCode(ErrorCode.UNKNOWN);
        }
      });
    } catch (e) {
      // Sequences reserved for batches not written leave gaps: move on to a new producer id.
      for (const b of (pending ?? []) as PendingBatch[]) this.identity.abandon(b.producerId);
      throw e;
    }
    return results;
  }

  /** Partitions and encodes every message once; sequences are reserved here. */
  private encode(topicMessages: ProducerBatch['topicMessages'] & object, compression: CompressionCodec): PendingBatch[] {
    const out: PendingBatch[] = [];
    const timestamp = Date.now();
    for (const { topic, messages } of topicMessages) {
      if (messages.length === 0) continue;
      const metadata = this.cluster.requireTopicPartitionMetadata(topic);
      for (const { partition, records } of groupMessagesByPartition(topic, messages, metadata, this.partitioner)) {
        out.push(this.encodeOne(topic, partition, records, timestamp, compression));
      }
    }
    return out;
  }

  private encodeOne(topic: string, partition: number, inputs: RecordInput[], timestamp: number, compression: CompressionCodec): PendingBatch {
    if (!this.idempotent) return { topic, partition, records: encodeRecordBatch(inputs, { timestamp, compression }), inputs, timestamp, compression, producerId: -1 };
    const identity = this.identity.reserve(topic, partition, inputs.length);
    return { topic, partition, records: encodeRecordBatch(inputs, { timestamp, compression, ...identity }), inputs, timestamp, compression, producerId: identity.producerId };
  }

  /**
   * Records successes into `results`; returns the batches to retry and the retriable error
   * to back off with; throws on a fatal error.
   */
  private collect(sent: PendingBatch[], response: ProduceResponse, acks: number, results: RecordMetadata[]): { retry: PendingBatch[]; error: Error | null } {
    const retry: PendingBatch[] = [];
    // Errors are built only when needed: capturing a stack per send costs more than the send.
    let error: Error | null = null;
    if (acks === 0) return { retry, error };
    const byKey = new Map<string, PendingBatch>();
    for (const b of sent) byKey.set(`${b.topic}\u0000${b.partition}`, b);
    for (const t of response.topics) {
      for (const p of t.partitions) {
        const key = `${t.topic}\u0000${p.partition}`;
        const batch = byKey.get(key);
        byKey.delete(key);
        if (p.errorCode === 0 || p.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
          results.push({
            topicName: t.topic,
            partition: p.partition,
            errorCode: 0,
            baseOffset: String(p.baseOffset),
            logAppendTime: String(p.logAppendTimeMs),
            logStartOffset: String(p.logStartOffset),
          });
          continue;
        }
        if (p.errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && batch && batch.producerId >= 0) {
          // Not written: a batch before it under this producer id failed for good. Encode it
          // again under a new id and retry.
          this.identity.abandon(batch.producerId);
          error = new KafkaJSProtocolError(kafkaError(p.errorCode), { retriable: true });
          retry.push(batch);
          continue;
        }
        const failure = createErrorFromCode(p.errorCode);
        if (!failure.retriable) throw failure;
        error = failure;
        if (batch) retry.push(batch);
      }
    }
    // Partitions the broker did not answer for are retried too.
    for (const b of byKey.values()) retry.push(b);
    return { retry, error };
  }
}

function groupByTopic(batches: PendingBatch[]): Array<{ topic: string; partitions: Array<{ partition: number; records: Buffer }> }> {
  const topics: Array<{ topic: string; partitions: Array<{ partition: number; records: Buffer }> }> = [];
  for (const b of batches) {
    let entry = topics.find((t) => t.topic === b.topic);
    if (!entry) {
      entry = { topic: b.topic, partitions: [] };
      topics.push(entry);
    }
    entry.partitions.push({ partition: b.partition, records: b.records });
  }
  return topics;
}
