import { decodeRecordBatches, ErrorCode, ProduceRequest, ProduceResponse } from '@peak/protocol';
import { createLogger, logLevel } from '../logger/logger';
import { fakeBroker, metadataFor, wire } from '../test-support/fake-broker';
import { groupMessagesByPartition } from './message-grouper';
import { Partitioners } from './partitioners';
import { Producer } from './producer';

function ok(request: ProduceRequest): ProduceResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: 7, logAppendTimeMs: -1, logStartOffset: 0 })),
    })),
  };
}

function producerWith(produce: (r: ProduceRequest) => Promise<ProduceResponse>, config: { idempotent?: boolean } = {}) {
  const requests: ProduceRequest[] = [];
  const broker = fakeBroker({
    metadata: async () => metadataFor({ t: 3 }),
    initProducerId: async () => ({ errorCode: 0, producerId: 42, producerEpoch: 1 }),
    produce: async (r) => {
      requests.push(r);
      return produce(r);
    },
  });
  const { client, cluster, emitter } = wire(broker);
  const producer = new Producer(client, cluster, emitter, createLogger({ level: logLevel.NOTHING }), { retry: { initialRetryTime: 1, retries: 3 }, ...config });
  return { producer, requests };
}

describe('groupMessagesByPartition', () => {
  it('keeps explicit partitions, uses the partitioner otherwise, and keeps order per partition', () => {
    const meta = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    const groups = groupMessagesByPartition('t', [
      { value: 'a', partition: 2 },
      { key: 'k', value: 'b' },
      { value: 'c', partition: 2 },
      { key: 'k', value: 'd' },
    ], meta, Partitioners.DefaultPartitioner());
    const p2 = groups.find((g) => g.partition === 2);
    expect(p2?.records.map((r) => r.value?.toString())).toContain('a');
    const keyed = groups.find((g) => g.records.some((r) => r.value?.toString() === 'b'));
    const values = keyed?.records.map((r) => r.value?.toString()) ?? [];
    expect(values.indexOf('b')).toBeLessThan(values.indexOf('d'));
    expect(groups.map((g) => g.partition)).toEqual([...groups.map((g) => g.partition)].sort());
  });
});

describe('Producer', () => {
  it('sends one RecordBatch per partition and returns kafkajs RecordMetadata', async () => {
    const { producer, requests } = producerWith(async (r) => ok(r));
    await producer.connect();
    const result = await producer.send({ topic: 't', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }, { value: 'c', partition: 1 }] });
    expect(requests).toHaveLength(1);
    expect(requests[0].acks).toBe(-1);
    const partitions = requests[0].topics[0].partitions;
    expect(partitions.map((p) => p.partition)).toEqual([0, 1]);
    const batches = decodeRecordBatches(partitions[0].records);
    expect(batches).toHaveLength(1);
    expect(batches[0].records.map((r) => r.value?.toString())).toEqual(['a', 'b']);
    expect(result).toEqual([
      { topicName: 't', partition: 0, errorCode: 0, baseOffset: '7', logAppendTime: '-1', logStartOffset: '0' },
      { topicName: 't', partition: 1, errorCode: 0, baseOffset: '7', logAppendTime: '-1', logStartOffset: '0' },
    ]);
  });

  it('retries only the partitions that failed retriably, with the same bytes', async () => {
    let attempt = 0;
    const { producer, requests } = producerWith(async (r) => {
      attempt++;
      const response = ok(r);
      if (attempt === 1) response.topics[0].partitions[1].errorCode = ErrorCode.NOT_LEADER_FOR_PARTITION;
      return response;
    }, { idempotent: true });
    await producer.connect();
    const result = await producer.send({ topic: 't', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 1 }] });
    expect(requests).toHaveLength(2);
    expect(requests[1].topics[0].partitions.map((p) => p.partition)).toEqual([1]);
    expect(requests[1].topics[0].partitions[0].records.equals(requests[0].topics[0].partitions[1].records)).toBe(true);
    expect(result.map((m) => m.partition).sort()).toEqual([0, 1]);
  });

  it('numbers an idempotent producer\'s batches per partition', async () => {
    const { producer, requests } = producerWith(async (r) => ok(r), { idempotent: true });
    await producer.connect();
    await producer.send({ topic: 't', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }] });
    await producer.send({ topic: 't', messages: [{ value: 'c', partition: 0 }, { value: 'd', partition: 1 }] });
    const headers = requests.flatMap((r) => r.topics[0].partitions.map((p) => ({ partition: p.partition, ...decodeRecordBatches(p.records)[0] })));
    expect(headers.map((h) => [h.partition, h.producerId, h.producerEpoch, h.baseSequence])).toEqual([
      [0, 42, 1, 0],
      [0, 42, 1, 2],
      [1, 42, 1, 0],
    ]);
  });

  it('rejects acks other than -1 for an idempotent producer and messages without value', async () => {
    const { producer, requests } = producerWith(async (r) => ok(r), { idempotent: true });
    await producer.connect();
    await expect(producer.send({ topic: 't', acks: 1, messages: [{ value: 'x' }] })).rejects.toThrow(/idempotent/);
    await expect(producer.send({ topic: 't', messages: [{} as { value: string }] })).rejects.toThrow(/without value/);
    expect(requests).toHaveLength(0);
  });

  it('fails without retrying on a non-retriable partition error', async () => {
    const { producer, requests } = producerWith(async (r) => {
      const response = ok(r);
      response.topics[0].partitions[0].errorCode = ErrorCode.MESSAGE_TOO_LARGE;
      return response;
    });
    await producer.connect();
    await expect(producer.send({ topic: 't', messages: [{ value: 'a', partition: 0 }] })).rejects.toMatchObject({ name: 'KafkaJSNonRetriableError' });
    expect(requests).toHaveLength(1);
  });
});
