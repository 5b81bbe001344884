import type { Kafka } from 'kafkajs';
import { EmbeddedBroker } from '@peak/broker';
import { Kafka as PeakKafka, logLevel } from '@peak/kafka';
import { PeakKafkaServer } from './peak-kafka.server';

const TOPIC = 'work';
const GROUP = 'workers';
const MESSAGES = 100;
const FINISHED_FIRST = 60;

describe(PeakKafkaServer.name, () => {
  let broker: EmbeddedBroker;
  let kafka: Kafka;
  let server: PeakKafkaServer | null = null;
  /** Lets blocked handlers finish, so close() can end their batch even when a test fails. */
  let release: () => void = () => undefined;

  beforeEach(async () => {
    broker = await EmbeddedBroker.start({ numPartitions: 1 });
    kafka = new PeakKafka({ clientId: 'spec', broker, logLevel: logLevel.NOTHING }) as unknown as Kafka;
  });
  afterEach(async () => {
    release();
    await server?.close();
    await broker.close();
  });

  async function committed(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [topic] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
      return Number(topic?.partitions[0]?.offset ?? -1);
    } finally {
      await admin.disconnect();
    }
  }

  async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('commits the finished part of a batch while the rest of it is still running', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: MESSAGES }, (_, i) => ({ value: String(i) })) });
    await producer.disconnect();

    const gate = new Promise<void>((r) => (release = r));
    const handled: number[] = [];
    server = new PeakKafkaServer({
      kafka: () => kafka,
      defaultGroup: GROUP,
      membersPerGroup: 1,
      retry: { maxAttempts: 1, initialBackoffMs: 0, maxBackoffMs: 0 },
      decode: (_topic, message) => Number(message.value?.toString()),
      commitIntervalMs: 50,
      consumer: { sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 50 },
    });
    // The first messages finish at once, the others wait at the gate: one batch, half done.
    server.addHandler(TOPIC, async (n: number) => {
      if (n >= FINISHED_FIRST) await gate;
      handled.push(n);
    }, true);
    await new Promise<void>((resolve, reject) => void server!.listen((err?: unknown) => (err ? reject(err) : resolve())));

    await waitUntil(async () => (await committed()) === FINISHED_FIRST, `offset ${FINISHED_FIRST} committed before the batch ends`);
    expect(handled).toHaveLength(FINISHED_FIRST);
    release();
    await waitUntil(async () => (await committed()) === MESSAGES, 'the whole batch committed');
    expect(new Set(handled).size).toBe(MESSAGES);
  });

  it('runs only the consumer groups it is told to (an HTTP-only replica runs none)', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: '1' }] });
    await producer.disconnect();
    const seen: string[] = [];
    server = new PeakKafkaServer({
      kafka: () => kafka,
      defaultGroup: GROUP,
      membersPerGroup: 1,
      groups: ['kept'],
      retry: { maxAttempts: 1, initialBackoffMs: 0, maxBackoffMs: 0 },
      decode: (_topic, message) => message.value?.toString(),
      consumer: { sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 50 },
    });
    server.addHandler(TOPIC, async () => void seen.push('kept'), true, { group: 'kept' });
    server.addHandler(TOPIC, async () => void seen.push('skipped'), true, { group: 'skipped' });
    expect([...server.subscriptions().keys()]).toEqual(['kept']);
    await new Promise<void>((resolve, reject) => void server!.listen((err?: unknown) => (err ? reject(err) : resolve())));
    await waitUntil(async () => seen.length > 0, 'the kept group to consume');
    const admin = kafka.admin();
    await admin.connect();
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    await admin.disconnect();
    expect(groups).toContain('kept');
    expect(groups).not.toContain('skipped');
    expect(seen).toEqual(['kept']);
  });
});
