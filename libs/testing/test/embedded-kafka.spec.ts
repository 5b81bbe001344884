import { existsSync } from 'node:fs';
import { EmbeddedKafka, EmbeddedKafkaStoppedError, MessageWaitTimeoutError, startEmbeddedKafka } from '@peak/testing';

describe('startEmbeddedKafka (in memory)', () => {
  let ek: EmbeddedKafka;

  beforeAll(async () => {
    ek = await startEmbeddedKafka({ partitions: 2, topics: [{ topic: 'preset', numPartitions: 3 }] });
  });
  afterAll(async () => ek.stop());

  it('starts in memory with no TCP listener and creates the requested topics', async () => {
    expect(ek.dataDir).toBeNull();
    expect(ek.brokers).toEqual([]);
    expect(ek.server).toBeNull();
    const admin = ek.kafka.admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: ['preset'] });
    await admin.disconnect();
    expect(topics[0].partitions).toHaveLength(3);
  });

  it('hands back a kafkajs-style client: a producer and a consumer group round-trip messages', async () => {
    const producer = ek.kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'greetings', messages: [{ key: 'a', value: 'hello' }, { key: 'b', value: 'world' }] });
    await producer.disconnect();

    const consumer = ek.kafka.consumer({ groupId: 'greeter', maxWaitTimeInMs: 50 });
    const seen: string[] = [];
    let gotBoth!: () => void;
    const both = new Promise<void>((resolve) => (gotBoth = resolve));
    await consumer.connect();
    await consumer.subscribe({ topic: 'greetings', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(String(message.value));
        if (seen.length === 2) gotBoth();
      },
    });
    await both;
    await consumer.disconnect();
    expect(seen.sort()).toEqual(['hello', 'world']);
  });

  it('auto-creates topics with `partitions` partitions; createTopics is kafkajs-like (false when all existed)', async () => {
    expect(await ek.createTopics('made-here', { topic: 'made-wide', numPartitions: 5 })).toBe(true);
    expect(await ek.createTopics('made-here')).toBe(false);
    const admin = ek.kafka.admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: ['made-here', 'made-wide'] });
    await admin.disconnect();
    expect(Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]))).toEqual({ 'made-here': 2, 'made-wide': 5 });
  });

  it('waitForMessages resolves with the messages, their topic and partition, and leaves no group behind', async () => {
    const producer = ek.kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'orders', messages: [0, 1, 2].map((i) => ({ key: `k${i}`, value: `order-${i}` })) });
    await producer.disconnect();

    const messages = await ek.waitForMessages('orders', 3);
    expect(messages.map((m) => String(m.value)).sort()).toEqual(['order-0', 'order-1', 'order-2']);
    expect(messages.every((m) => m.topic === 'orders' && (m.partition === 0 || m.partition === 1))).toBe(true);
    const { groups } = await ek.broker.listGroups();
    expect(groups.filter((g) => g.groupId.startsWith('embedded-kafka-wait-'))).toEqual([]);
  });

  it('waitForMessages with fromBeginning: false skips what the topic already held', async () => {
    const producer = ek.kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'later', messages: [{ value: 'old' }] });
    const waiting = ek.waitForMessages('later', 1, { fromBeginning: false, timeoutMs: 5_000 });
    // Produce once the throwaway group has joined (so after the end offsets were read).
    const deadline = Date.now() + 5_000;
    while (!(await ek.broker.listGroups()).groups.some((g) => g.groupId.startsWith('embedded-kafka-wait-'))) {
      if (Date.now() > deadline) throw new Error('the wait consumer never joined');
      await new Promise((r) => setImmediate(r));
    }
    await producer.send({ topic: 'later', messages: [{ value: 'new' }] });
    await producer.disconnect();
    expect((await waiting).map((m) => String(m.value))).toEqual(['new']);
  });

  it('waitForMessages rejects on timeout with an error naming what arrived', async () => {
    const producer = ek.kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'sparse', messages: [{ key: 'only', value: 'one-message' }] });
    await producer.disconnect();

    const error = await ek.waitForMessages('sparse', 2, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageWaitTimeoutError);
    const timeout = error as MessageWaitTimeoutError;
    expect(timeout.received).toHaveLength(1);
    expect(timeout.message).toContain('expected 2 message(s) within 300 ms, got 1');
    expect(timeout.message).toContain('sparse-0@0 key="only" value="one-message"');
  });

  it('waitForMessages on an empty topic says none arrived', async () => {
    await expect(ek.waitForMessages('nothing-here', 1, { timeoutMs: 200 })).rejects.toThrow('got 0; none arrived');
  });

  it('consumerLag reports committed offset, end offset and lag per partition', async () => {
    await ek.createTopics({ topic: 'lagging', numPartitions: 1 });
    const producer = ek.kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'lagging', messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });
    await producer.disconnect();

    expect(await ek.consumerLag('slow-group', ['lagging'])).toEqual({
      groupId: 'slow-group',
      total: 10,
      partitions: [{ topic: 'lagging', partition: 0, committedOffset: null, endOffset: 10, lag: 10 }],
    });

    const admin = ek.kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: 'slow-group', topic: 'lagging', partitions: [{ partition: 0, offset: '4' }] });
    await admin.disconnect();
    // Without a topic list: every topic the group committed offsets for.
    const lag = await ek.consumerLag('slow-group');
    expect(lag.total).toBe(6);
    expect(lag.partitions).toEqual([{ topic: 'lagging', partition: 0, committedOffset: 4, endOffset: 10, lag: 6 }]);
  });
});

describe("EmbeddedKafka.stop and options", () => {
  it('is idempotent, removes a temp data dir, and refuses later use with a clear error', async () => {
    const ek = await startEmbeddedKafka({ dataDir: 'temp', tcp: true });
    const dir = ek.dataDir as string;
    expect(existsSync(dir)).toBe(true);
    await Promise.all([ek.stop(), ek.stop()]);
    await ek.stop();
    expect(existsSync(dir)).toBe(false);
    expect(ek.broker.isClosed).toBe(true);
    expect(ek.server?.netServer.listening).toBe(false);
    expect(() => ek.waitForMessages('t', 1)).toThrow(EmbeddedKafkaStoppedError);
  });

  it('with autoCreateTopics: false, producing to an unknown topic fails until createTopics makes it', async () => {
    const ek = await startEmbeddedKafka({ autoCreateTopics: false });
    try {
      const producer = ek.kafka.producer({ retry: { retries: 0 } });
      await producer.connect();
      await expect(producer.send({ topic: 'not-created', messages: [{ value: 'x' }] })).rejects.toThrow();
      await producer.disconnect();
      await ek.createTopics('not-created');
      const again = ek.kafka.producer();
      await again.connect();
      await again.send({ topic: 'not-created', messages: [{ value: 'x' }] });
      await again.disconnect();
      expect(await ek.waitForMessages('not-created', 1)).toHaveLength(1);
    } finally {
      await ek.stop();
    }
  });
});
