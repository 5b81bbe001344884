/**
 * Flexible versions against a real EmbeddedBroker, byte by byte with a raw client: topic IDs
 * in Metadata v12 and Fetch v13+, OffsetForLeaderEpoch v4, DescribeCluster v1, DescribeConfigs v4.
 */
import { encodeRecordBatch, ErrorCode } from '@peak/protocol';
import { ApiKey, ByteReader, ByteWriter } from '@peak/wire';
import { RawWireClient, requestFrame } from './support/raw-wire-client';
import { startWireHarness, WireHarness } from './support/wire-harness';

const TOPIC = 'flex-topic';
let harness: WireHarness;
let client: RawWireClient;
let correlation = 0;

/** Sends one flexible request and returns its body after the v1 response header's tags. */
async function call(apiKey: number, version: number, body: (w: ByteWriter) => void): Promise<ByteReader> {
  const id = ++correlation;
  const before = client.responses.length;
  client.send(requestFrame(apiKey, version, id, (w) => body(w), { flexible: true }));
  await client.waitForResponses(before + 1);
  const response = client.responses[before];
  expect(response.correlationId).toBe(id);
  response.body.flexible = true;
  response.body.taggedFields();
  return response.body;
}

beforeAll(async () => {
  harness = await startWireHarness({ numPartitions: 1 });
  await harness.broker.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 1, configs: [{ name: 'retention.ms', value: '60000' }] }], timeoutMs: 1000, validateOnly: false });
  await harness.broker.produce({ transactionalId: null, acks: -1, timeoutMs: 1000, topics: [{ topic: TOPIC, partitions: [{ partition: 0, records: encodeRecordBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }]) }] }] });
  client = await RawWireClient.connect(harness.port);
});

afterAll(async () => {
  client.socket.destroy();
  await harness.stop();
});

describe('flexible versions against EmbeddedBroker', () => {
  it('Metadata v12 answers the persistent topic ID, and by that ID', async () => {
    const id = harness.broker.topicIdOf(TOPIC);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const byName = await call(ApiKey.Metadata, 12, (w) =>
      w.compactArray([TOPIC], (x, t) => x.uuid('00000000-0000-0000-0000-000000000000').compactString(t).emptyTaggedFields()).boolean(false).boolean(false).emptyTaggedFields(),
    );
    byName.int32(); // throttle
    byName.compactArray((b) => [b.int32(), b.compactString(), b.int32(), b.compactNullableString(), b.taggedFields()]);
    byName.compactNullableString();
    byName.int32();
    const [topic] = byName.compactArray((t) => {
      const entry = { errorCode: t.int16(), name: t.compactNullableString(), id: t.uuid(), internal: t.boolean() };
      const partitions = t.compactArray((p) => {
        const partition = { errorCode: p.int16(), index: p.int32(), leader: p.int32(), epoch: p.int32() };
        p.compactArray((x) => x.int32());
        p.compactArray((x) => x.int32());
        p.compactArray((x) => x.int32());
        p.taggedFields();
        return partition;
      });
      t.int32();
      t.taggedFields();
      return { ...entry, partitions };
    });
    expect(topic).toMatchObject({ errorCode: ErrorCode.NONE, name: TOPIC, id, internal: false });
    expect(topic.partitions.map((p) => [p.index, p.leader, p.epoch])).toEqual([[0, 0, 0], [1, 0, 0]]);
  });

  it('Fetch v13 addresses topics by ID and answers an unknown ID with UNKNOWN_TOPIC_ID', async () => {
    const id = harness.broker.topicIdOf(TOPIC) as string;
    const unknown = '11111111-2222-4333-8444-555555555555';
    const r = await call(ApiKey.Fetch, 13, (w) => {
      w.int32(-1).int32(0).int32(0).int32(1 << 20).int8(0).int32(0).int32(-1);
      w.compactArray([id, unknown], (tw, topicId) => {
        tw.uuid(topicId).compactArray([0], (pw, p) => pw.int32(p).int32(-1).int64(0).int32(-1).int64(-1).int32(1 << 20).emptyTaggedFields());
        tw.emptyTaggedFields();
      });
      w.compactArray([], () => undefined).compactString('').emptyTaggedFields();
    });
    r.int32();
    expect([r.int16(), r.int32()]).toEqual([ErrorCode.NONE, 0]);
    const topics = r.compactArray((t) => {
      const topicId = t.uuid();
      const [p] = t.compactArray((pr) => {
        const partition = { index: pr.int32(), errorCode: pr.int16(), hw: pr.int64() };
        pr.int64();
        pr.int64();
        pr.compactNullableArray((a) => [a.int64(), a.int64()]);
        pr.int32();
        const records = pr.compactNullableBytes();
        pr.taggedFields();
        return { ...partition, bytes: records?.length ?? 0 };
      });
      t.taggedFields();
      return { topicId, ...p };
    });
    expect(topics.map((t) => [t.topicId, t.errorCode, t.hw])).toEqual([[id, ErrorCode.NONE, 2], [unknown, ErrorCode.UNKNOWN_TOPIC_ID, -1]]);
    expect(topics[0].bytes).toBeGreaterThan(61);
  });

  it('OffsetForLeaderEpoch v4 ends epoch 0 at the log end and knows no later epoch', async () => {
    const r = await call(ApiKey.OffsetForLeaderEpoch, 4, (w) => {
      w.int32(-1).compactArray([TOPIC], (tw, t) => {
        tw.compactString(t).compactArray([[0, 0], [0, 5]], (pw, [partition, epoch]) => pw.int32(partition).int32(-1).int32(epoch).emptyTaggedFields());
        tw.emptyTaggedFields();
      });
      w.emptyTaggedFields();
    });
    r.int32();
    const [topic] = r.compactArray((t) => {
      const name = t.compactString();
      const partitions = t.compactArray((p) => {
        const answer = [p.int16(), p.int32(), p.int32(), p.int64()];
        p.taggedFields();
        return answer;
      });
      t.taggedFields();
      return { name, partitions };
    });
    expect(topic.partitions).toEqual([[ErrorCode.NONE, 0, 0, 2], [ErrorCode.NONE, 0, -1, -1]]);
  });

  it('DescribeCluster v1 lists this broker at its advertised address as controller', async () => {
    const r = await call(ApiKey.DescribeCluster, 1, (w) => w.boolean(false).int8(1).emptyTaggedFields());
    r.int32();
    expect([r.int16(), r.compactNullableString(), r.int8()]).toEqual([ErrorCode.NONE, null, 1]);
    const clusterId = r.compactString();
    const controller = r.int32();
    const brokers = r.compactArray((b) => {
      const entry = [b.int32(), b.compactString(), b.int32()];
      b.compactNullableString();
      b.taggedFields();
      return entry;
    });
    expect(clusterId.length).toBeGreaterThan(0);
    expect([controller, brokers]).toEqual([0, [[0, '127.0.0.1', harness.port]]]);
  });

  it('DescribeConfigs v4 shows a topic override as non-default and rejects an unknown topic', async () => {
    const r = await call(ApiKey.DescribeConfigs, 4, (w) => {
      w.compactArray([TOPIC, 'no-such-topic'], (x, name) => x.int8(2).compactString(name).compactNullableArray(['retention.ms', 'segment.bytes'], (k, n) => k.compactString(n)).emptyTaggedFields());
      w.boolean(false).boolean(false).emptyTaggedFields();
    });
    r.int32();
    const results = r.compactArray((x) => {
      const head = { errorCode: x.int16(), message: x.compactNullableString(), type: x.int8(), name: x.compactString() };
      const configs = x.compactArray((c) => {
        const entry = { name: c.compactString(), value: c.compactNullableString(), readOnly: c.boolean(), source: c.int8(), sensitive: c.boolean() };
        c.compactArray(() => undefined);
        c.int8();
        c.compactNullableString();
        c.taggedFields();
        return [entry.name, entry.value, entry.source];
      });
      x.taggedFields();
      return { ...head, configs };
    });
    expect(results[0]).toMatchObject({ errorCode: ErrorCode.NONE, name: TOPIC, configs: [['segment.bytes', String(128 * 1024 * 1024), 5], ['retention.ms', '60000', 1]] });
    expect(results[1].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});
