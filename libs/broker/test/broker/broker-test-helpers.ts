import { EmbeddedBroker } from '@peak/broker';
import { decodeRecordBatches, encodeRecordBatch, FetchRequest, FetchPartitionResponse } from '@peak/protocol';

export function batchOf(values: string[]): Buffer {
  return encodeRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v) })));
}

export async function produce(broker: EmbeddedBroker, topic: string, values: string[], acks: -1 | 0 | 1, partition = 0): Promise<{ errorCode: number; baseOffset: number }> {
  const res = await broker.produce({ transactionalId: null, acks, timeoutMs: 1000, topics: [{ topic, partitions: [{ partition, records: batchOf(values) }] }] });
  return res.topics[0].partitions[0];
}

export async function fetchFrom(broker: EmbeddedBroker, topic: string, fetchOffset: number, extra: Partial<FetchRequest> = {}): Promise<FetchPartitionResponse> {
  const res = await broker.fetch({
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
    ...extra,
  });
  return res.topics[0].partitions[0];
}

/** Values and offsets of every record at or after `from` in a fetch result. */
export function recordsOf(records: Buffer | null, from = 0): Array<{ offset: number; value: string }> {
  if (!records) return [];
  return decodeRecordBatches(records)
    .flatMap((b) => b.records)
    .filter((r) => r.offset >= from)
    .map((r) => ({ offset: r.offset, value: r.value?.toString() ?? '' }));
}

/** A promise and the function that resolves it. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
