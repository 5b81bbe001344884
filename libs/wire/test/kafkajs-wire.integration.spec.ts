import { startWireHarness, WireHarness } from './support/wire-harness';

// Real kafkajs over TCP against KafkaWireServer + EmbeddedBroker.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Kafka, CompressionTypes, logLevel } = require('kafkajs');

interface KafkaMessageLike {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('kafkajs 2.2.4 over the wire', () => {
  let harness: WireHarness;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let kafka: any;

  beforeAll(async () => {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    harness = await startWireHarness({ numPartitions: 3 });
    kafka = new Kafka({ brokers: [harness.bootstrap], clientId: 'wire-it', logLevel: logLevel.NOTHING, retry: { retries: 3 } });
  });

  afterAll(async () => {
    await harness.stop();
  });

  it('admin: creates, describes, grows and deletes topics; metadata advertises the server', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'admin-topic', numPartitions: 2 }], waitForLeaders: true })).toBe(true);
      expect(await admin.createTopics({ topics: [{ topic: 'admin-topic', numPartitions: 2 }] })).toBe(false);
      expect(await admin.listTopics()).toContain('admin-topic');
      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toEqual([{ nodeId: 0, host: '127.0.0.1', port: harness.port }]);
      expect(cluster.controller).toBe(0);
      await admin.createPartitions({ topicPartitions: [{ topic: 'admin-topic', count: 4 }] });
      const meta = await admin.fetchTopicMetadata({ topics: ['admin-topic'] });
      expect(meta.topics[0].partitions).toHaveLength(4);
      await admin.deleteTopics({ topics: ['admin-topic'] });
      expect(await admin.listTopics()).not.toContain('admin-topic');
    } finally {
      await admin.disconnect();
    }
  });

  it('produces (idempotent, gzip) and consumes every message in a consumer group, then resumes from committed offsets', async () => {
    const topic = 'orders-it';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 60 }, (_, i) => ({ key: `k${i % 7}`, value: `order-${i}` }));
    await producer.send({ topic, messages: sent.slice(0, 30) });
    await producer.send({ topic, compression: CompressionTypes.GZIP, messages: sent.slice(30) });

    const received = new Map<string, string>();
    const consumer = kafka.consumer({ groupId: 'it-group', sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }: { message: KafkaMessageLike }) => {
        received.set(message.value!.toString(), message.key!.toString());
      },
    });
    await waitUntil(() => received.size === sent.length, 20_000, 'all 60 messages');
    expect([...received.keys()].sort()).toEqual(sent.map((m) => m.value).sort());
    await consumer.disconnect();

    const offsets = await admin.fetchOffsets({ groupId: 'it-group', topics: [topic] });
    const committed = offsets[0].partitions.reduce((sum: number, p: { offset: string }) => sum + Number(p.offset), 0);
    expect(committed).toBe(sent.length);
    const groups = await admin.listGroups();
    expect(groups.groups.map((g: { groupId: string }) => g.groupId)).toContain('it-group');

    // A new member of the same group sees only what was produced after the commit.
    await producer.send({ topic, messages: [{ key: 'late', value: 'after-commit' }] });
    const second: string[] = [];
    const again = kafka.consumer({ groupId: 'it-group' });
    await again.connect();
    await again.subscribe({ topic, fromBeginning: true });
    await again.run({ eachMessage: async ({ message }: { message: KafkaMessageLike }) => void second.push(message.value!.toString()) });
    await waitUntil(() => second.length >= 1, 20_000, 'the message produced after the commit');
    expect(second).toEqual(['after-commit']);
    await again.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  });

  it('splits partitions between two members of one group and delivers each message once', async () => {
    const topic = 'shared-it';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    await admin.disconnect();
    const byMember: Array<Set<number>> = [new Set(), new Set()];
    const values: string[] = [];
    const consumers = [0, 1].map(() => kafka.consumer({ groupId: 'pair-group', sessionTimeout: 10_000, heartbeatInterval: 500 }));
    for (const [i, consumer] of consumers.entries()) {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessageLike }) => {
          byMember[i].add(partition);
          values.push(message.value!.toString());
        },
      });
    }
    const describe = async () => {
      const a = kafka.admin();
      await a.connect();
      const { groups } = await a.describeGroups(['pair-group']);
      await a.disconnect();
      return groups[0];
    };
    const deadline = Date.now() + 20_000;
    let group = await describe();
    while ((group.state !== 'Stable' || group.members.length !== 2) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      group = await describe();
    }
    expect(group.members).toHaveLength(2);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 40 }, (_, i) => ({ key: `key-${i}`, value: `v${i}` })) });
    await waitUntil(() => values.length >= 40, 20_000, '40 messages across two members');
    expect(new Set(values).size).toBe(40);
    expect(values).toHaveLength(40);
    expect(byMember[0].size + byMember[1].size).toBe(4);
    expect([...byMember[0]].some((p) => byMember[1].has(p))).toBe(false);
    await producer.disconnect();
    for (const consumer of consumers) await consumer.disconnect();
  });
});
