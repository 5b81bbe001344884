/**
 * Helpers for the kafkajs contract suite. Written against the kafkajs API only, so the same
 * suite runs against @peak/kafka in-process and against the real kafkajs over TCP.
 */
import type { Admin, Consumer, ConsumerConfig, EachMessagePayload, Kafka, Producer } from 'kafkajs';

/** What the suite needs from a client: kafkajs's Kafka minus construction. */
export type KafkaLike = Pick<Kafka, 'producer' | 'consumer' | 'admin'>;

export interface KafkaContractEnv {
  kafka: KafkaLike;
  /** Closes the broker and opens it again on the same data directory. */
  restartBroker(): Promise<void>;
  teardown(): Promise<void>;
}

export interface KafkaContractFactory {
  name: string;
  setup(): Promise<KafkaContractEnv>;
}

let counter = 0;
/** A name unique within this process run. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** Polls `predicate` until it holds or the deadline passes (then fails with `what`). */
export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs}ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Short timeouts so rebalances and long polls stay quick (valid on a real Kafka too). */
export const FAST_CONSUMER: Omit<ConsumerConfig, 'groupId'> = {
  sessionTimeout: 6_000,
  rebalanceTimeout: 6_000,
  heartbeatInterval: 300,
  maxWaitTimeInMs: 100,
  retry: { initialRetryTime: 100, retries: 5 },
};

export interface Received {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
}

export function toReceived({ topic, partition, message }: EachMessagePayload): Received {
  return { topic, partition, offset: message.offset, key: message.key ? message.key.toString() : null, value: message.value ? message.value.toString() : null };
}

/** Tracks everything a test opened so teardown can close it even after a failure. */
export class Resources {
  private readonly closers: Array<() => Promise<void>> = [];

  constructor(private readonly kafka: () => KafkaLike) {}

  async producer(config?: Parameters<Kafka['producer']>[0]): Promise<Producer> {
    const producer = this.kafka().producer(config);
    await producer.connect();
    this.closers.push(() => producer.disconnect());
    return producer;
  }

  async consumer(config: ConsumerConfig): Promise<Consumer> {
    const consumer = this.kafka().consumer(config);
    await consumer.connect();
    this.closers.push(() => consumer.disconnect());
    return consumer;
  }

  async admin(): Promise<Admin> {
    const admin = this.kafka().admin();
    await admin.connect();
    this.closers.push(() => admin.disconnect());
    return admin;
  }

  async closeAll(): Promise<void> {
    while (this.closers.length > 0) {
      const close = this.closers.pop() as () => Promise<void>;
      await close().catch(() => undefined);
    }
  }
}

/** Joined-group tracking: the latest assignment each consumer reported via GROUP_JOIN. */
export function trackAssignment(consumer: Consumer): { current: Record<string, number[]> | null } {
  const state: { current: Record<string, number[]> | null } = { current: null };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    state.current = e.payload.memberAssignment;
  });
  return state;
}

export function partitionsOf(assignment: Record<string, number[]> | null, topic: string): number[] {
  return assignment && assignment[topic] ? [...assignment[topic]].sort((a, b) => a - b) : [];
}

/** Counts completed fetches (FETCH events): one means offsets were resolved and polled. */
export function countFetches(consumer: Consumer): { count: number } {
  const state = { count: 0 };
  consumer.on(consumer.events.FETCH, () => {
    state.count += 1;
  });
  return state;
}
