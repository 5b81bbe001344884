/**
 * The compatibility scenarios run by @platformatic/kafka (pure JavaScript, flexible protocol
 * versions only, Fetch by topic ID) over TCP against KafkaWireServer + EmbeddedBroker on disk.
 */
import { BatchLayout } from '@peak/protocol';
import { startWireHarness, WireHarness } from '../../libs/wire/test/support/wire-harness';
import { CompatRecorder } from './support/compat-recorder';
import { PlatformaticClients, track, until } from './support/platformatic-client';

jest.setTimeout(30_000);

const recorder = new CompatRecorder('@platformatic/kafka');
let harness: WireHarness;
let clients: PlatformaticClients;
let n = 0;
const name = (prefix: string) => `${prefix}-${process.pid}-${++n}`;

async function createTopic(topic: string, partitions: number): Promise<void> {
  await clients.admin().createTopics({ topics: [topic], partitions, replicas: 1 });
}

beforeAll(async () => {
  harness = await startWireHarness({ numPartitions: 1 });
});

afterEach(async () => {
  await clients.closeAll();
});

beforeEach(() => {
  clients = new PlatformaticClients(harness.bootstrap);
});

afterAll(async () => {
  await harness.stop();
  recorder.save();
});

describe('@platformatic/kafka over the wire', () => {
  it('produce-keyed-headers-acks-all', recorder.scenario('produce-keyed-headers-acks-all', async () => {
    const topic = name('pk');
    await createTopic(topic, 2);
    const sent = await clients.producer().send({
      messages: ['a', 'b', 'c'].map((key) => ({ topic, key, value: `v-${key}`, headers: new Map([['trace', `t-${key}`]]) })),
    });
    expect(sent.offsets?.length).toBeGreaterThan(0);
    const stream = await clients.consumer(name('g')).consume({ topics: [topic], mode: 'earliest' });
    const got = track(stream);
    await until(() => got.length === 3, '3 messages');
    await stream.close();
    expect(got.map((m) => [m.key, m.value, m.headers.trace]).sort()).toEqual([['a', 'v-a', 't-a'], ['b', 'v-b', 't-b'], ['c', 'v-c', 't-c']]);
  }));

  it('idempotent-producer', recorder.scenario('idempotent-producer', async () => {
    const topic = name('idem');
    await createTopic(topic, 1);
    const producer = clients.producer({ idempotent: true });
    await producer.send({ messages: [{ topic, key: 'k', value: '1' }] });
    await producer.send({ messages: [{ topic, key: 'k', value: '2' }] });
    const fetched = await harness.broker.fetch({ maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] });
    const records = fetched.topics[0].partitions[0].records as Buffer;
    expect(fetched.topics[0].partitions[0].highWatermark).toBe(2);
    expect(Number(records.readBigInt64BE(BatchLayout.PRODUCER_ID))).toBeGreaterThanOrEqual(0);
  }));

  it('group-rebalance-while-flowing', recorder.scenario('group-rebalance-while-flowing', async () => {
    const topic = name('grp');
    const group = name('g');
    await createTopic(topic, 3);
    const producer = clients.producer();
    let next = 0;
    const sendSome = async (count: number) => {
      for (let i = 0; i < count; i++, next++) await producer.send({ messages: [{ topic, key: `k${next}`, value: `${next}`, partition: next % 3 }] });
    };
    const first = await clients.consumer(group).consume({ topics: [topic], mode: 'earliest', autocommit: false });
    const a = track(first, true);
    await sendSome(9);
    await until(() => a.length >= 9, 'the first member to read 9');
    const second = await clients.consumer(group).consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
    const b = track(second, true);
    await sendSome(30);
    const values = () => new Set([...a, ...b].map((m) => m.value));
    await until(() => values().size === 39 && b.length > 0 && a.length > 9, 'both members to read and every message to arrive', 20_000);
    await Promise.all([first.close(), second.close()]);
  }));

  it('commit-restart-resume', recorder.scenario('commit-restart-resume', async () => {
    const topic = name('crr');
    const group = name('g');
    await createTopic(topic, 1);
    const producer = clients.producer();
    for (let i = 0; i < 10; i++) await producer.send({ messages: [{ topic, value: `${i}`, partition: 0 }] });
    const consumer = clients.consumer(group);
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxFetches: 0 });
    let taken = 0;
    await new Promise<void>((resolve) => {
      stream.on('data', (m) => {
        if (taken >= 5) return;
        taken++;
        if (taken === 5) void Promise.resolve(m.commit()).then(() => resolve());
      });
    });
    await stream.close();
    await consumer.close(true);
    const resumed = await clients.consumer(group).consume({ topics: [topic], mode: 'committed', autocommit: false });
    const got = track(resumed);
    await until(() => got.length >= 5, 'the 5 uncommitted messages');
    await resumed.close();
    expect(got.map((m) => m.value)).toEqual(['5', '6', '7', '8', '9']);
  }));

  it('seek', recorder.scenario('seek', async () => {
    const topic = name('seek');
    await createTopic(topic, 1);
    const producer = clients.producer();
    for (let i = 0; i < 6; i++) await producer.send({ messages: [{ topic, value: `${i}`, partition: 0 }] });
    const stream = await clients.consumer(name('g')).consume({ topics: [topic], mode: 'manual', offsets: [{ topic, partition: 0, offset: 3n }] });
    const got = track(stream);
    await until(() => got.length >= 3, 'messages from offset 3');
    await stream.close();
    expect(got.slice(0, 3).map((m) => m.offset)).toEqual([3, 4, 5]);
  }));

  it('list-offsets', recorder.scenario('list-offsets', async () => {
    const topic = name('lo');
    await createTopic(topic, 1);
    const producer = clients.producer();
    const before = Date.now();
    for (let i = 0; i < 4; i++) await producer.send({ messages: [{ topic, value: `${i}`, partition: 0, timestamp: BigInt(before + i * 1000) }] });
    const consumer = clients.consumer(name('g'));
    const latest = await consumer.listOffsets({ topics: [topic] });
    const earliest = await consumer.listOffsets({ topics: [topic], timestamp: -2n });
    const byTime = await consumer.listOffsets({ topics: [topic], timestamp: BigInt(before + 2000) });
    expect([earliest.get(topic)?.[0], latest.get(topic)?.[0], byTime.get(topic)?.[0]]).toEqual([0n, 4n, 2n]);
  }));

  it('create-delete-topics', recorder.scenario('create-delete-topics', async () => {
    const topic = name('cd');
    const admin = clients.admin();
    await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
    expect(await admin.listTopics()).toContain(topic);
    await admin.deleteTopics({ topics: [topic] });
    expect(await admin.listTopics()).not.toContain(topic);
  }));

  it('describe-groups', recorder.scenario('describe-groups', async () => {
    const topic = name('dg');
    const group = name('g');
    await createTopic(topic, 1);
    const stream = await clients.consumer(group).consume({ topics: [topic], mode: 'earliest' });
    const admin = clients.admin();
    await until(async () => (await admin.describeGroups({ groups: [group] })).get(group)?.state === 'STABLE', 'a stable group');
    const described = (await admin.describeGroups({ groups: [group] })).get(group);
    await stream.close();
    expect([described?.protocolType, described?.members.size]).toEqual(['consumer', 1]);
  }));

  it('long-poll-wakeup', recorder.scenario('long-poll-wakeup', async () => {
    const topic = name('lp');
    await createTopic(topic, 1);
    const consumer = clients.consumer(name('g'));
    const stream = await consumer.consume({ topics: [topic], mode: 'latest', maxWaitTime: 10_000 });
    const got = track(stream);
    await until(async () => (await clients.admin().describeGroups({ groups: [consumer.groupId] })).get(consumer.groupId)?.state === 'STABLE', 'joined');
    const sentAt = Date.now();
    await clients.producer().send({ messages: [{ topic, value: 'wake', partition: 0 }] });
    await until(() => got.length === 1, 'the message', 8_000);
    const waited = Date.now() - sentAt;
    await stream.close();
    expect(waited).toBeLessThan(5_000); // a parked fetch was answered on arrival, not at max wait (10 s)
  }));

  it('transactions (refused)', recorder.scenario('transactions', async () => {
    const producer = clients.producer({ idempotent: true, transactionalId: name('tx') });
    await expect(producer.beginTransaction()).rejects.toThrow();
    return { outcome: 'refused', note: 'InitProducerId with a transactional id: INVALID_REQUEST' };
  }));
});
