import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchLayout, CompressionCodec, ErrorCode, decodeRecordBatches, encodeRecordBatch, FetchRequest } from '@peak/protocol';
import { EmbeddedBroker } from './embedded-broker';

function batch(values: string[], options: Parameters<typeof encodeRecordBatch>[1] = {}): Buffer {
  return encodeRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v) })), options);
}

function produceTo(broker: EmbeddedBroker, topic: string, records: Buffer, acks: -1 | 0 | 1 = 1, partition = 0) {
  return broker.produce({ transactionalId: null, acks, timeoutMs: 1000, topics: [{ topic, partitions: [{ partition, records }] }] });
}

function fetchReq(topic: string, fetchOffset: number, extra: Partial<FetchRequest> = {}): FetchRequest {
  return { maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }], ...extra };
}

function values(records: Buffer | null): string[] {
  return records ? decodeRecordBatches(records).flatMap((b) => b.records.map((r) => r.value?.toString() ?? '')) : [];
}

describe(EmbeddedBroker.name, () => {
  let broker: EmbeddedBroker;
  afterEach(async () => broker?.close());

  describe('in memory', () => {
    beforeEach(async () => {
      broker = await EmbeddedBroker.start({ numPartitions: 3 });
    });

    it('auto-creates a topic on first produce with the default partition count', async () => {
      const res = await produceTo(broker, 'orders', batch(['a']));
      expect(res.topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0 });
      const md = await broker.metadata({ topics: ['orders'], allowAutoTopicCreation: false });
      expect(md.topics[0].partitions).toHaveLength(3);
      expect(md.controllerId).toBe(0);
    });

    it('assigns consecutive offsets across batches and serves them back', async () => {
      await produceTo(broker, 't', batch(['a', 'b']));
      const second = await produceTo(broker, 't', batch(['c']));
      expect(second.topics[0].partitions[0].baseOffset).toBe(2);
      const fetched = await broker.fetch(fetchReq('t', 1));
      const p = fetched.topics[0].partitions[0];
      expect(p.highWatermark).toBe(3);
      // Whole batches come back, starting with the one that holds offset 1, as in Kafka.
      expect(values(p.records)).toEqual(['a', 'b', 'c']);
    });

    it('rejects a batch with a bad CRC as CORRUPT_MESSAGE and writes nothing', async () => {
      const bad = batch(['x']);
      bad[bad.length - 1] ^= 0xff;
      const res = await produceTo(broker, 't', bad);
      expect(res.topics[0].partitions[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
      const offsets = await broker.listOffsets({ isolationLevel: 0, topics: [{ topic: 't', partitions: [{ partition: 0, timestamp: -1 }] }] });
      expect(offsets.topics[0].partitions[0].offset).toBe(0);
    });

    it('trusts crcVerified for the CRC only: framing is still checked, the CRC is not recomputed', async () => {
      const produceVerified = (records: Buffer) =>
        broker.produce({ transactionalId: null, acks: 1, timeoutMs: 1000, topics: [{ topic: 't', partitions: [{ partition: 0, records, crcVerified: true }] }] });
      // The caller vouches for the CRC (the wire server checked it); a stale stored CRC is not looked at.
      const staleCrc = batch(['x']);
      staleCrc.writeUInt32BE(0, BatchLayout.CRC);
      expect((await produceVerified(staleCrc)).topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0 });
      const truncated = batch(['y']).subarray(0, 30);
      expect((await produceVerified(truncated)).topics[0].partitions[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
      const badMagic = batch(['z']);
      badMagic[BatchLayout.MAGIC] = 1;
      expect((await produceVerified(badMagic)).topics[0].partitions[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    });

    it('rejects truncated payloads, unsupported codecs and bad acks by error code', async () => {
      const good = batch(['x']);
      expect((await produceTo(broker, 't', good.subarray(0, 30))).topics[0].partitions[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
      const snappy = batch(['x']);
      snappy.writeInt16BE(CompressionCodec.Snappy, BatchLayout.ATTRIBUTES);
      // Recompute nothing: the CRC now fails first, which is also a clear rejection; fix the CRC to reach the codec check.
      const { crc32c } = await import('@peak/protocol');
      snappy.writeUInt32BE(crc32c(snappy.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC);
      expect((await produceTo(broker, 't', snappy)).topics[0].partitions[0].errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
      const badAcks = await broker.produce({ transactionalId: null, acks: 2 as 1, timeoutMs: 1, topics: [{ topic: 't', partitions: [{ partition: 0, records: good }] }] });
      expect(badAcks.topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    });

    it('answers an unknown partition and an illegal topic name with errors, not exceptions', async () => {
      await broker.createTopics({ topics: [{ topic: 'one', numPartitions: 1, replicationFactor: 1, configs: [] }], timeoutMs: 1000, validateOnly: false });
      expect((await produceTo(broker, 'one', batch(['x']), 1, 5)).topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      expect((await produceTo(broker, 'bad name!', batch(['x']))).topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    });

    it('deduplicates a retried idempotent batch and rejects a sequence gap', async () => {
      const { producerId, producerEpoch } = await broker.initProducerId({ transactionalId: null, transactionTimeoutMs: 1000 });
      const first = batch(['a', 'b'], { producerId, producerEpoch, baseSequence: 0 });
      const retry = Buffer.from(first);
      expect((await produceTo(broker, 'idem', first)).topics[0].partitions[0].baseOffset).toBe(0);
      expect((await produceTo(broker, 'idem', retry)).topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0 });
      const gap = batch(['z'], { producerId, producerEpoch, baseSequence: 5 });
      expect((await produceTo(broker, 'idem', gap)).topics[0].partitions[0].errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
      const next = batch(['c'], { producerId, producerEpoch, baseSequence: 2 });
      expect((await produceTo(broker, 'idem', next)).topics[0].partitions[0].baseOffset).toBe(2);
      expect(values((await broker.fetch(fetchReq('idem', 0))).topics[0].partitions[0].records)).toEqual(['a', 'b', 'c']);
    });

    it('parks a fetch at the log end and wakes it when data arrives (long poll)', async () => {
      await produceTo(broker, 'lp', batch(['old']));
      const pending = broker.fetch(fetchReq('lp', 1, { maxWaitMs: 10_000 }));
      let settled = false;
      void pending.then(() => (settled = true));
      await new Promise((r) => setImmediate(r));
      expect(settled).toBe(false);
      await produceTo(broker, 'lp', batch(['new']));
      const res = await pending;
      expect(values(res.topics[0].partitions[0].records)).toEqual(['new']);
    });

    it('ends a parked fetch empty after maxWaitMs, and at once when aborted', async () => {
      await broker.createTopics({ topics: [{ topic: 'idle', numPartitions: 1, replicationFactor: 1, configs: [] }], timeoutMs: 1000, validateOnly: false });
      const started = Date.now();
      const res = await broker.fetch(fetchReq('idle', 0, { maxWaitMs: 50 }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);
      expect(res.topics[0].partitions[0].records).toBeNull();
      const controller = new AbortController();
      const aborted = broker.fetch(fetchReq('idle', 0, { maxWaitMs: 60_000, signal: controller.signal }));
      controller.abort();
      expect((await aborted).topics[0].partitions[0].records).toBeNull();
    });

    it('answers OFFSET_OUT_OF_RANGE past the log end', async () => {
      await produceTo(broker, 'oor', batch(['a']));
      expect((await broker.fetch(fetchReq('oor', 5))).topics[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    });

    it('creates, grows and deletes topics with Kafka\'s error codes', async () => {
      const create = (topic: string, numPartitions: number, replicationFactor = 1, configs: Array<{ name: string; value: string }> = []) =>
        broker.createTopics({ topics: [{ topic, numPartitions, replicationFactor, configs }], timeoutMs: 1000, validateOnly: false });
      expect((await create('t1', 2)).topics[0].errorCode).toBe(ErrorCode.NONE);
      expect((await create('t1', 2)).topics[0].errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
      expect((await create('t2', 0)).topics[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
      expect((await create('t3', 1, 3)).topics[0].errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
      expect((await create('t4', 1, 1, [{ name: 'cleanup.policy', value: 'compact' }])).topics[0].errorCode).toBe(ErrorCode.INVALID_CONFIG);
      expect((await create('t5', 1, 1, [{ name: 'retention.ms', value: '1000' }])).topics[0].errorCode).toBe(ErrorCode.NONE);
      expect((await broker.createPartitions({ topics: [{ topic: 't1', count: 4 }], timeoutMs: 1000, validateOnly: false })).topics[0].errorCode).toBe(ErrorCode.NONE);
      expect((await broker.metadata({ topics: ['t1'], allowAutoTopicCreation: false })).topics[0].partitions).toHaveLength(4);
      expect((await broker.deleteTopics({ topics: ['t1', 'nope'], timeoutMs: 1000 })).topics.map((t) => t.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
      expect((await broker.metadata({ topics: ['t1'], allowAutoTopicCreation: false })).topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    });

    it('does not auto-create when disabled', async () => {
      await broker.close();
      broker = await EmbeddedBroker.start({ autoCreateTopics: false });
      expect((await produceTo(broker, 'x', batch(['a']))).topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    });
  });

  describe('on disk', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'broker-'));
    });
    afterEach(async () => {
      await broker?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('starts on an empty data directory with no topics and serves metadata', async () => {
      // How fast it starts is measured by `npm run bench:broker` (startupMs), not asserted here.
      broker = await EmbeddedBroker.start({ dataDir: dir });
      const md = await broker.metadata({ topics: null, allowAutoTopicCreation: false });
      expect(md.topics).toEqual([]);
      expect(md.brokers).toEqual([{ nodeId: 0, host: '127.0.0.1', port: 9092, rack: null }]);
    });

    it('keeps topics, configs, records and producer ids across a restart', async () => {
      broker = await EmbeddedBroker.start({ dataDir: dir });
      await broker.createTopics({ topics: [{ topic: 'kept', numPartitions: 2, replicationFactor: 1, configs: [{ name: 'retention.ms', value: '60000' }] }], timeoutMs: 1000, validateOnly: false });
      await produceTo(broker, 'kept', batch(['a', 'b']), -1);
      const firstId = (await broker.initProducerId({ transactionalId: null, transactionTimeoutMs: 1 })).producerId;
      await broker.close();
      broker = await EmbeddedBroker.start({ dataDir: dir });
      const md = await broker.metadata({ topics: null, allowAutoTopicCreation: false });
      expect(md.topics.map((t) => [t.topic, t.partitions.length])).toEqual([['kept', 2]]);
      expect(values((await broker.fetch(fetchReq('kept', 0))).topics[0].partitions[0].records)).toEqual(['a', 'b']);
      expect((await broker.initProducerId({ transactionalId: null, transactionTimeoutMs: 1 })).producerId).toBeGreaterThan(firstId);
    });
  });
});
