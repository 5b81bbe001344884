import { Kafka as KafkaJs, logLevel as kafkajsLogLevel } from 'kafkajs';
import type { Consumer, ConsumerConfig, Kafka, KafkaMessage } from 'kafkajs';
import { KafkaWireServer } from '@peak/wire';
import { EmbeddedBroker } from '@peak/broker';
import { DlqHeaders, dlqTopic, EventDecodeError } from '@peak/contracts';
import { Kafka as PeakKafka, logLevel } from '@peak/kafka';
import { DeliveryOutcome, PeakKafkaServer, PeakKafkaServerOptions } from './peak-kafka.server';

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

  describe.each(['@peak/kafka', 'kafkajs over TCP'])('transient and permanent failures (consumers on %s)', (client) => {
    const databaseDown = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    let outcomes: DeliveryOutcome[];
    /** pause/resume calls the server made on its consumer, as `pause:<partition>` / `resume:<partition>`. */
    let pauses: string[];
    /** The client the server under test consumes with. */
    let consumerKafka: Kafka;
    let wire: KafkaWireServer | null = null;

    beforeEach(async () => {
      outcomes = [];
      pauses = [];
      consumerKafka = kafka;
      if (client === 'kafkajs over TCP') {
        wire = new KafkaWireServer({ broker, host: '127.0.0.1', port: 0 });
        const { port } = await wire.start();
        broker.setAdvertisedListener('127.0.0.1', port);
        consumerKafka = new KafkaJs({ clientId: 'spec', brokers: [`127.0.0.1:${port}`], logLevel: kafkajsLogLevel.NOTHING });
      }
    });
    afterEach(async () => {
      release();
      await server?.close();
      server = null;
      await wire?.close();
      wire = null;
    });

    /** The consumers' client, with their pause/resume recorded. */
    function spyingKafka(): Kafka {
      return new Proxy(consumerKafka, {
        get(target, prop) {
          if (prop === 'consumer') {
            return (config: ConsumerConfig): Consumer => {
              const consumer = target.consumer(config);
              const pause = consumer.pause.bind(consumer);
              const resume = consumer.resume.bind(consumer);
              consumer.pause = (tps) => {
                pauses.push(...tps.flatMap((tp) => (tp.partitions ?? []).map((p) => `pause:${p}`)));
                pause(tps);
              };
              consumer.resume = (tps) => {
                pauses.push(...tps.flatMap((tp) => (tp.partitions ?? []).map((p) => `resume:${p}`)));
                resume(tps);
              };
              return consumer;
            };
          }
          const value = Reflect.get(target, prop) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    }

    async function startServer(handler: (value: string) => Promise<void>, options: Partial<PeakKafkaServerOptions> = {}): Promise<PeakKafkaServer> {
      const s = new PeakKafkaServer({
        kafka: spyingKafka,
        defaultGroup: GROUP,
        membersPerGroup: 1,
        retry: { maxAttempts: 3, initialBackoffMs: 5, maxBackoffMs: 10, transientMaxBackoffMs: 20 },
        decode: (_topic, message: KafkaMessage) => {
          const value = message.value?.toString() ?? '';
          if (value === 'undecodable') throw new EventDecodeError(TOPIC, new Error('bad bytes'));
          return value;
        },
        commitIntervalMs: 50,
        consumer: { sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 20 },
        onOutcome: (o) => outcomes.push(o),
        ...options,
      });
      s.addHandler(TOPIC, handler, true);
      await new Promise<void>((resolve, reject) => void s.listen((err?: unknown) => (err ? reject(err) : resolve())));
      return s;
    }

    async function produce(...values: string[]): Promise<void> {
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ value })) });
      await producer.disconnect();
    }

    async function deadLetters(): Promise<KafkaMessage[]> {
      const admin = kafka.admin();
      await admin.connect();
      let end = 0;
      try {
        if (!(await admin.listTopics()).includes(dlqTopic(TOPIC))) return [];
        end = (await admin.fetchTopicOffsets(dlqTopic(TOPIC))).reduce((sum, p) => sum + Number(p.high), 0);
      } finally {
        await admin.disconnect();
      }
      if (end === 0) return [];
      const consumer = kafka.consumer({ groupId: `dlq-reader-${Math.random()}`, maxWaitTimeInMs: 20 });
      const seen: KafkaMessage[] = [];
      await consumer.connect();
      await consumer.subscribe({ topics: [dlqTopic(TOPIC)], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
      await waitUntil(async () => seen.length >= end, 'the DLQ to be read');
      await consumer.disconnect();
      return seen;
    }

    it('retries a transient failure without limit while the partition is paused; then processes it once, in order, and dead-letters nothing', async () => {
      let databaseUp = false;
      let attempts = 0;
      const handled: string[] = [];
      server = await startServer(async (value) => {
        if (value === 'first') {
          attempts += 1;
          if (!databaseUp) throw databaseDown();
        }
        handled.push(value);
      });
      await produce('first');
      await waitUntil(async () => attempts >= 1, 'the first failure');
      // Later messages of the partition arrive while the first one keeps failing.
      await produce('second', 'third', 'fourth');
      await waitUntil(async () => attempts >= 8, 'several transient retries (more than RETRY_MAX_ATTEMPTS)');
      expect(handled).toEqual([]);
      expect(pauses).toEqual(['pause:0']);
      expect(server.health.retrying()).toMatchObject([{ group: GROUP, topic: TOPIC, partition: 0, reason: 'ECONNREFUSED' }]);
      expect(await committed()).toBeLessThanOrEqual(0);

      databaseUp = true;
      await waitUntil(async () => handled.length === 4, 'every message handled');
      expect(handled).toEqual(['first', 'second', 'third', 'fourth']);
      expect(pauses).toEqual(['pause:0', 'resume:0']);
      expect(server.health.retrying()).toEqual([]);
      expect(server.health.transientRetries()[0].retries).toBeGreaterThanOrEqual(7);
      await waitUntil(async () => (await committed()) === 4, 'all four committed');
      expect(outcomes.filter((o) => o.result === 'dead-lettered')).toEqual([]);
      expect(await deadLetters()).toEqual([]);
    });

    it('dead-letters a permanent failure after RETRY_MAX_ATTEMPTS (a decode error at once) with the error in headers, and the partition moves on', async () => {
      const attempts = new Map<string, number>();
      const handled: string[] = [];
      server = await startServer(async (value) => {
        attempts.set(value, (attempts.get(value) ?? 0) + 1);
        if (value === 'too-long') throw Object.assign(new Error('value too long for type character varying(8)'), { code: '22001' });
        handled.push(value);
      });
      await produce('too-long', 'undecodable', 'fine');
      await waitUntil(async () => (await committed()) === 3, 'the partition to move past both bad messages');
      expect(handled).toEqual(['fine']);
      expect(attempts.get('too-long')).toBe(3);
      expect(pauses).toEqual([]);
      const dead = await deadLetters();
      const byValue = new Map(dead.map((m) => [m.value?.toString(), m]));
      expect(byValue.get('too-long')?.headers?.[DlqHeaders.Attempts]?.toString()).toBe('3');
      expect(byValue.get('too-long')?.headers?.[DlqHeaders.Error]?.toString()).toContain('value too long');
      expect(byValue.get('undecodable')?.headers?.[DlqHeaders.Attempts]?.toString()).toBe('1');
      expect(byValue.get('undecodable')?.headers?.[DlqHeaders.ErrorName]?.toString()).toBe('EventDecodeError');
    });

    it('stopping while a message retries leaves it uncommitted (later ones of its batch too); the next consumer gets it again', async () => {
      const handled: string[] = [];
      server = await startServer(async (value) => {
        if (value === 'stuck') throw databaseDown();
        handled.push(value);
      });
      await produce('stuck', 'after-1', 'after-2');
      await waitUntil(async () => handled.length === 2 && server!.health.retrying().length === 1, 'the others of the batch done, the first retrying');
      const closing = Date.now();
      await server.close();
      expect(Date.now() - closing).toBeLessThan(5_000);
      expect(await committed()).toBeLessThanOrEqual(0);
      expect(outcomes.filter((o) => o.result === 'dead-lettered')).toEqual([]);

      const again: string[] = [];
      server = await startServer(async (value) => void again.push(value));
      await waitUntil(async () => (await committed()) === 3, 'the batch committed by the next consumer');
      expect(again).toEqual(['stuck', 'after-1', 'after-2']);
    });
  });
});
