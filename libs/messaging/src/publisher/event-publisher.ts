import { Logger } from '@nestjs/common';
import type { Kafka, Message, Producer } from 'kafkajs';
import { encodeEvent, EventMap, eventHeaders, TopicName } from '@peak/contracts';
import { PublisherClosedError } from '../errors/messaging.errors';

/** Most messages sent in one produce request. */
export const MAX_PUBLISH_BATCH = 2_000;
/** Produce requests in flight at once; while they are busy, new events queue up and go in the next batch. */
export const DEFAULT_MAX_IN_FLIGHT = 4;
/** acks=-1: the broker answers only once the batch is durable. */
const ACKS_ALL = -1;

interface Pending {
  topic: string;
  message: Message;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Publishes protobuf-encoded events with the schema headers, coalescing concurrent calls:
 * everything queued while the previous requests are in flight goes out together in one
 * produce request (one group commit at the broker). Each promise resolves only when its
 * own message is acknowledged with acks=-1, or rejects with that request's error.
 * Safe to call concurrently.
 */
export class EventPublisher {
  private readonly logger = new Logger(EventPublisher.name);
  private readonly producer: Producer;
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private connected: Promise<void> | null = null;
  private closed = false;

  constructor(kafka: Kafka, private readonly maxInFlight = DEFAULT_MAX_IN_FLIGHT) {
    this.producer = kafka.producer({ allowAutoTopicCreation: true, idempotent: false });
  }

  async connect(): Promise<void> {
    this.connected ??= this.producer.connect();
    await this.connected;
  }

  /** Publishes one event keyed by `key`; resolves once it is durable at the broker. */
  publish<T extends TopicName>(topic: T, key: string, event: EventMap[T]): Promise<void> {
    return this.publishRaw(topic, { key, value: encodeEvent(topic, event), headers: eventHeaders(topic) });
  }

  /** Publishes an already encoded message (DLQ moves, tests). */
  publishRaw(topic: string, message: Message): Promise<void> {
    if (this.closed) return Promise.reject(new PublisherClosedError());
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, message, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    const batch = this.queue.length <= MAX_PUBLISH_BATCH ? this.queue : this.queue.slice(0, MAX_PUBLISH_BATCH);
    this.queue = this.queue.length <= MAX_PUBLISH_BATCH ? [] : this.queue.slice(MAX_PUBLISH_BATCH);
    this.inFlight += 1;
    try {
      await this.connect();
      const byTopic = new Map<string, Message[]>();
      for (const p of batch) {
        const list = byTopic.get(p.topic);
        if (list) list.push(p.message);
        else byTopic.set(p.topic, [p.message]);
      }
      await this.producer.sendBatch({
        acks: ACKS_ALL,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      for (const p of batch) p.resolve();
    } catch (err) {
      this.logger.warn(`publishing ${batch.length} events failed: ${(err as Error).message}`);
      for (const p of batch) p.reject(err);
    } finally {
      this.inFlight -= 1;
      this.schedule();
    }
  }

  /** Number of events waiting for a produce request. */
  get backlog(): number {
    return this.queue.length;
  }

  /** Rejects what is still queued, waits for nothing else, disconnects the producer. */
  async close(): Promise<void> {
    this.closed = true;
    const queued = this.queue;
    this.queue = [];
    for (const p of queued) p.reject(new PublisherClosedError());
    if (this.connected) await this.producer.disconnect().catch(() => undefined);
  }
}
