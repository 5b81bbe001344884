import { EmbeddedBroker } from '@peak/broker';
import { decodeRecordBatches } from '@peak/protocol';
import { Kafka } from '../kafka';
import { logLevel } from '../logger/logger';

/** Larger than the broker's default max.message.bytes (1 MiB + 12): refused as MESSAGE_TOO_LARGE, for good. */
const TOO_LARGE = Buffer.alloc(2 << 20, 'x');

async function valuesOf(broker: EmbeddedBroker, topic: string): Promise<string[]> {
  const response = await broker.fetch({ maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] });
  const records = response.topics[0].partitions[0].records;
  return records ? decodeRecordBatches(records).flatMap((b) => b.records.map((r) => String(r.value))) : [];
}

describe('idempotent producer after a send that fails for good', () => {
  let broker: EmbeddedBroker;
  let kafka: Kafka;

  beforeEach(async () => {
    broker = await EmbeddedBroker.start({});
    kafka = new Kafka({ clientId: 'gap', broker, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 1, retries: 2 } });
  });

  afterEach(async () => {
    await broker.close();
  });

  it('keeps writing to the partition: the gap the failed send left does not refuse later sends', async () => {
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: 'gap', messages: [{ value: 'a', partition: 0 }] });
    await expect(producer.send({ topic: 'gap', messages: [{ value: TOO_LARGE, partition: 0 }] })).rejects.toThrow(/too large|max.message.bytes|larger/i);
    await producer.send({ topic: 'gap', messages: [{ value: 'b', partition: 0 }] });
    await producer.disconnect();
    expect(await valuesOf(broker, 'gap')).toEqual(['a', 'b']);
  });

  it('recovers a send already in flight behind the failed one (refused out of order, retried under a new producer id)', async () => {
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: 'gap', messages: [{ value: 'a', partition: 0 }] });
    const [failed, next] = await Promise.allSettled([
      producer.send({ topic: 'gap', messages: [{ value: TOO_LARGE, partition: 0 }] }),
      producer.send({ topic: 'gap', messages: [{ value: 'c', partition: 0 }] }),
    ]);
    expect(failed.status).toBe('rejected');
    expect(next.status).toBe('fulfilled');
    await producer.send({ topic: 'gap', messages: [{ value: 'd', partition: 0 }] });
    await producer.disconnect();
    expect(await valuesOf(broker, 'gap')).toEqual(['a', 'c', 'd']);
  });
});
