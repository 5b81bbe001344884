import { createServer, Server, Socket } from 'node:net';
import { decodeRecordBatches, encodeRecordBatch, ErrorCode } from '@peak/protocol';
import { EmbeddedKafka, startEmbeddedKafka } from '@peak/testing';
import { KafkaJSConnectionError } from '../errors';
import { Kafka } from '../kafka';
import { logLevel } from '../logger/logger';
import { WireBroker } from './wire-broker';

const TOPIC = 'wire-broker-spec';
const LONG_POLL_MS = 5_000;

const batch = (...values: string[]) => encodeRecordBatch(values.map((v) => ({ key: Buffer.from(`k-${v}`), value: Buffer.from(v) })));

describe('WireBroker (BrokerApi over the Kafka wire protocol)', () => {
  let embedded: EmbeddedKafka;
  let broker: WireBroker;

  beforeAll(async () => {
    embedded = await startEmbeddedKafka({ tcp: true, partitions: 2, topics: [{ topic: TOPIC }] });
  });
  afterAll(async () => {
    await embedded?.stop();
  });
  beforeEach(() => {
    broker = new WireBroker({ brokers: embedded.brokers, clientId: 'wire-spec' });
  });
  afterEach(async () => {
    await broker.close();
  });

  it('describes the cluster and topics as the broker does in process', async () => {
    const overTcp = await broker.metadata({ topics: [TOPIC], allowAutoTopicCreation: false });
    const inProcess = await embedded.broker.metadata({ topics: [TOPIC], allowAutoTopicCreation: false });
    expect(overTcp.topics).toEqual(inProcess.topics);
    expect(overTcp.brokers.map((b) => `${b.host}:${b.port}`)).toEqual(embedded.brokers);
  });

  it('appends with acks=-1 and reads the same records back, offsets included', async () => {
    const produced = await broker.produce({ transactionalId: null, acks: -1, timeoutMs: 5_000, topics: [{ topic: TOPIC, partitions: [{ partition: 1, records: batch('a', 'b') }] }] });
    const answer = produced.topics[0].partitions[0];
    expect(answer).toMatchObject({ partition: 1, errorCode: ErrorCode.NONE });
    const fetched = await broker.fetch({
      maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0,
      topics: [{ topic: TOPIC, partitions: [{ partition: 1, fetchOffset: answer.baseOffset, partitionMaxBytes: 1 << 20 }] }],
    });
    const part = fetched.topics[0].partitions[0];
    expect(part.highWatermark).toBe(answer.baseOffset + 2);
    const records = decodeRecordBatches(part.records as Buffer).flatMap((b) => b.records.map((r) => ({ offset: r.offset, value: r.value?.toString() })));
    expect(records.filter((r) => r.offset >= answer.baseOffset)).toEqual([
      { offset: answer.baseOffset, value: 'a' },
      { offset: answer.baseOffset + 1, value: 'b' },
    ]);
  });

  it('answers a produce at once while a long-poll fetch is parked, and the fetch wakes with it', async () => {
    const { topics } = await broker.listOffsets({ isolationLevel: 0, topics: [{ topic: TOPIC, partitions: [{ partition: 0, timestamp: -1 }] }] });
    const end = topics[0].partitions[0].offset;
    const parked = broker.fetch({
      maxWaitMs: LONG_POLL_MS, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: end, partitionMaxBytes: 1 << 20 }] }],
    });
    const started = Date.now();
    await broker.produce({ transactionalId: null, acks: -1, timeoutMs: 5_000, topics: [{ topic: TOPIC, partitions: [{ partition: 0, records: batch('late') }] }] });
    const woken = await parked;
    expect(Date.now() - started).toBeLessThan(LONG_POLL_MS);
    expect(woken.topics[0].partitions[0].highWatermark).toBe(end + 1);
    expect(broker.connections).toBe(2);
  });

  it('rejects an aborted fetch at once with an AbortError', async () => {
    const controller = new AbortController();
    const parked = broker.fetch({
      maxWaitMs: LONG_POLL_MS, minBytes: 1 << 30, maxBytes: 1 << 20, isolationLevel: 0, signal: controller.signal,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
    });
    const started = Date.now();
    controller.abort();
    await expect(parked).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(LONG_POLL_MS);
  });

  it('sends acks=0 without waiting for an answer, and the records arrive', async () => {
    const { topics } = await broker.listOffsets({ isolationLevel: 0, topics: [{ topic: TOPIC, partitions: [{ partition: 1, timestamp: -1 }] }] });
    const end = topics[0].partitions[0].offset;
    await expect(broker.produce({ transactionalId: null, acks: 0, timeoutMs: 5_000, topics: [{ topic: TOPIC, partitions: [{ partition: 1, records: batch('fire') }] }] })).resolves.toEqual({ topics: [], throttleTimeMs: 0 });
    const after = await broker.listOffsets({ isolationLevel: 0, topics: [{ topic: TOPIC, partitions: [{ partition: 1, timestamp: -1 }] }] });
    expect(after.topics[0].partitions[0].offset).toBe(end + 1);
  });

  it('lists groups with their state (ListGroups v2 has none; DescribeGroups fills it in)', async () => {
    await broker.offsetCommit({ groupId: 'wire-listed', generationId: -1, memberId: '', topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset: 0, metadata: null }] }] });
    const listed = await broker.listGroups();
    expect(listed.groups).toContainEqual({ groupId: 'wire-listed', protocolType: expect.any(String), state: 'Empty' });
  });

  it('serves @peak/kafka end to end: a producer and a consumer group over TCP', async () => {
    const kafka = new Kafka({ clientId: 'wire-e2e', broker, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: 'wire-e2e', maxWaitTimeInMs: 100, heartbeatInterval: 300 });
    await producer.connect();
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
      const seen = new Set<string>();
      const all = new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen.add(message.value?.toString() ?? '');
            if (['x1', 'x2', 'x3'].every((v) => seen.has(v))) resolve();
          },
        });
      });
      await producer.send({ topic: TOPIC, acks: -1, messages: ['x1', 'x2', 'x3'].map((value) => ({ key: value, value })) });
      await all;
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });
});

describe('WireBroker connection failures', () => {
  let server: Server;
  const sockets = new Set<Socket>();

  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server?.close(r));
  });

  it('rejects the requests of a connection the broker drops with a retriable KafkaJSConnectionError, then connects again', async () => {
    let connections = 0;
    server = createServer((socket) => {
      connections += 1;
      sockets.add(socket);
      socket.once('data', () => socket.destroy()); // drops the connection on its first request
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const broker = new WireBroker({ brokers: [`127.0.0.1:${port}`], clientId: 'wire-failures' });
    try {
      const first = broker.metadata({ topics: null, allowAutoTopicCreation: false });
      await expect(first).rejects.toBeInstanceOf(KafkaJSConnectionError);
      await expect(first).rejects.toMatchObject({ retriable: true });
      await expect(broker.heartbeat({ groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null })).rejects.toBeInstanceOf(KafkaJSConnectionError);
      expect(connections).toBe(2);
    } finally {
      await broker.close();
    }
  });

  it('rejects with a KafkaJSConnectionError when nothing listens', async () => {
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    const broker = new WireBroker({ brokers: [`127.0.0.1:${port}`], clientId: 'wire-failures' });
    try {
      await expect(broker.metadata({ topics: null, allowAutoTopicCreation: false })).rejects.toBeInstanceOf(KafkaJSConnectionError);
    } finally {
      await broker.close();
    }
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
});
