import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker, EmbeddedBrokerConfig } from '@peak/broker';
import { encodeRecordBatch, ErrorCode } from '@peak/protocol';
import { POLICY_VIOLATION } from '../../src/broker/topic-admin';

function createTopic(broker: EmbeddedBroker, topic: string, numPartitions: number) {
  return broker.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1, configs: [] }], timeoutMs: 1000, validateOnly: false });
}

function openDescriptors(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

describe('bounds on every request', () => {
  let dir: string;
  let broker: EmbeddedBroker | undefined;
  const start = async (config: EmbeddedBrokerConfig) => (broker = await EmbeddedBroker.start(config));
  beforeEach(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'bounds-'));
  });
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses CreateTopics of 2,147,483,647 partitions with INVALID_PARTITIONS and creates nothing', async () => {
    const b = await start({});
    const res = await createTopic(b, 'huge', 2_147_483_647);
    expect(res.topics[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(b.topicIdOf('huge')).toBeUndefined();
    expect((await b.metadata({ topics: null, allowAutoTopicCreation: false })).topics).toEqual([]);
  });

  it('answers POLICY_VIOLATION when a topic or new partitions would pass the broker-wide limit', async () => {
    const b = await start({ maxPartitions: 10, maxPartitionsPerTopic: 8 });
    expect((await createTopic(b, 'a', 8)).topics[0].errorCode).toBe(ErrorCode.NONE);
    expect((await createTopic(b, 'b', 3)).topics[0].errorCode).toBe(POLICY_VIOLATION);
    expect((await createTopic(b, 'c', 2)).topics[0].errorCode).toBe(ErrorCode.NONE);
    const grow = (topic: string, count: number) => b.createPartitions({ topics: [{ topic, count }], timeoutMs: 1000, validateOnly: false });
    expect((await grow('c', 3)).topics[0].errorCode).toBe(POLICY_VIOLATION);
    expect((await grow('a', 9)).topics[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    // Auto-creation stays within the limit too.
    expect((await b.metadata({ topics: ['auto'], allowAutoTopicCreation: true })).topics[0].errorCode).toBe(POLICY_VIOLATION);
    await b.deleteTopics({ topics: ['a'], timeoutMs: 1000 });
    expect((await createTopic(b, 'b', 3)).topics[0].errorCode).toBe(ErrorCode.NONE);
  });

  it('serves other requests while a large topic is being created', async () => {
    const b = await start({ dataDir: dir });
    await createTopic(b, 'small', 1);
    const order: string[] = [];
    const big = createTopic(b, 'big', 500).then((r) => {
      order.push('create');
      return r;
    });
    const other = b.metadata({ topics: ['small'], allowAutoTopicCreation: false }).then((r) => {
      order.push('metadata');
      return r;
    });
    const [created, described] = await Promise.all([big, other]);
    expect(order).toEqual(['metadata', 'create']);
    expect(described.topics[0].partitions).toHaveLength(1);
    expect(created.topics[0].errorCode).toBe(ErrorCode.NONE);
    expect((await b.metadata({ topics: ['big'], allowAutoTopicCreation: false })).topics[0].partitions).toHaveLength(500);
  });

  it('answers Metadata requests that name a topic another request is auto-creating once it exists, not LEADER_NOT_AVAILABLE', async () => {
    const b = await start({ dataDir: dir });
    // 64 producers asking for the same new topic at once (the first request creates it).
    const answers = await Promise.all(Array.from({ length: 64 }, () => b.metadata({ topics: ['fresh'], allowAutoTopicCreation: true })));
    expect(answers.map((a) => a.topics[0].errorCode)).toEqual(answers.map(() => ErrorCode.NONE));
    expect(answers.every((a) => a.topics[0].partitions.length > 0)).toBe(true);
  });

  it('auto-creates at most maxAutoCreatedTopicsPerRequest topics per Metadata request, with few metadata writes', async () => {
    const b = await start({ dataDir: dir, maxAutoCreatedTopicsPerRequest: 100 });
    const renames = [jest.spyOn(fs, 'renameSync'), jest.spyOn(fs.promises, 'rename')];
    const names = Array.from({ length: 250 }, (_, i) => `auto-${i}`);
    try {
      const first = await b.metadata({ topics: names, allowAutoTopicCreation: true });
      const codes = first.topics.map((t) => t.errorCode);
      expect(codes.filter((c) => c === ErrorCode.NONE)).toHaveLength(100);
      expect(codes.filter((c) => c === ErrorCode.LEADER_NOT_AVAILABLE)).toHaveLength(150);
      const metaWrites = renames.flatMap((spy) => spy.mock.calls).filter(([, to]) => String(to).endsWith('broker-meta.json'));
      expect(metaWrites.length).toBeLessThanOrEqual(5);
    } finally {
      for (const spy of renames) spy.mockRestore();
    }
    await b.metadata({ topics: names, allowAutoTopicCreation: true });
    const third = await b.metadata({ topics: names, allowAutoTopicCreation: true });
    expect(third.topics.every((t) => t.errorCode === ErrorCode.NONE)).toBe(true);
    await b.close();
    const reopened = await start({ dataDir: dir });
    expect((await reopened.metadata({ topics: null, allowAutoTopicCreation: false })).topics).toHaveLength(250);
  });

  it('makes the topics of one CreateTopics request durable together: few metadata writes for 200 topics', async () => {
    const b = await start({ dataDir: dir });
    const renames = [jest.spyOn(fs, 'renameSync'), jest.spyOn(fs.promises, 'rename')];
    try {
      const res = await b.createTopics({
        topics: Array.from({ length: 200 }, (_, i) => ({ topic: `many-${i}`, numPartitions: 1, replicationFactor: 1, configs: [] })),
        timeoutMs: 1000,
        validateOnly: false,
      });
      expect(res.topics.every((t) => t.errorCode === ErrorCode.NONE)).toBe(true);
      const metaWrites = renames.flatMap((spy) => spy.mock.calls).filter(([, to]) => String(to).endsWith('broker-meta.json'));
      expect(metaWrites.length).toBeLessThanOrEqual(2);
    } finally {
      for (const spy of renames) spy.mockRestore();
    }
    await b.close();
    const reopened = await start({ dataDir: dir });
    expect((await reopened.metadata({ topics: null, allowAutoTopicCreation: false })).topics).toHaveLength(200);
  });

  it('auto-creates at most maxAutoCreatedTopicsPerRequest topics per Produce request', async () => {
    const b = await start({ maxAutoCreatedTopicsPerRequest: 2 });
    const records = encodeRecordBatch([{ key: null, value: Buffer.from('v') }]);
    const res = await b.produce({
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topics: ['p1', 'p2', 'p3'].map((topic) => ({ topic, partitions: [{ partition: 0, records: Buffer.from(records) }] })),
    });
    expect(res.topics.map((t) => t.partitions[0].errorCode)).toEqual([ErrorCode.NONE, ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  });

  it('rolls a failed topic creation back whole: no topic, no directories, descriptors back to their baseline', async () => {
    const b = await start({ dataDir: dir });
    await createTopic(b, 'ok', 1);
    const baseline = openDescriptors();
    // A file where partition 5's directory must go makes its creation fail (a real file system error).
    fs.writeFileSync(join(dir, 'logs', 'doomed-5'), 'in the way');
    const res = await createTopic(b, 'doomed', 10);
    expect(res.topics[0].errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(b.topicIdOf('doomed')).toBeUndefined();
    const left = fs.readdirSync(join(dir, 'logs')).filter((n) => n.startsWith('doomed-') && fs.statSync(join(dir, 'logs', n)).isDirectory());
    expect(left).toEqual([]);
    expect(openDescriptors()).toBe(baseline);
    // The name and the partitions it had reserved are free again.
    fs.rmSync(join(dir, 'logs', 'doomed-5'));
    expect((await createTopic(b, 'doomed', 10)).topics[0].errorCode).toBe(ErrorCode.NONE);
    await b.close();
    const reopened = await start({ dataDir: dir });
    expect((await reopened.metadata({ topics: ['doomed'], allowAutoTopicCreation: false })).topics[0].partitions).toHaveLength(10);
  });
});
