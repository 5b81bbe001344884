import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

/** A record read back from a topic, with where it stands. */
export interface TopicRecord {
  partition: number;
  offset: number;
  message: KafkaMessage;
}

export interface ReadTopicOptions {
  /** Records below this offset (in every partition) are skipped. Default 0. */
  fromOffset?: number;
  /** Give up (reject, naming how far it got) after this long. Default 60 s. */
  timeoutMs?: number;
  /** Group id prefix of the throwaway reader (it commits nothing that matters). */
  groupPrefix?: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Reads every record of `topic` from the log start (or `fromOffset`) up to the end offsets it
 * has when the call starts, with a throwaway consumer group, and resolves them in partition
 * then offset order. Records produced meanwhile may be included or not. Works with any
 * kafkajs-shaped client (kafkajs, @peak/kafka).
 */
export async function readTopicToEnd(kafka: Kafka, topic: string, options: ReadTopicOptions = {}): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, { low: number; high: number }>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
  } finally {
    await admin.disconnect();
  }
  const from = options.fromOffset ?? 0;
  const wanted = [...ends.values()].reduce((n, e) => n + Math.max(0, e.high - Math.max(e.low, from)), 0);
  const records: TopicRecord[] = [];
  if (wanted === 0) return records;
  const consumer = kafka.consumer({ groupId: `${options.groupPrefix ?? 'read-topic'}-${randomUUID()}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const timer = setTimeout(() => reject(new Error(`read ${records.length} of ${wanted} records of ${topic} in ${timeoutMs / 1000} s`)), timeoutMs);
      const done = new Map([...ends].map(([p, e]) => [p, Math.max(e.low, from) >= e.high]));
      const check = (): void => {
        if ([...done.values()].every(Boolean)) {
          clearTimeout(timer);
          resolve();
        }
      };
      check();
      void consumer
        .run({
          eachBatch: async ({ batch }) => {
            const end = ends.get(batch.partition)?.high ?? 0;
            for (const message of batch.messages) {
              const offset = Number(message.offset);
              if (offset >= from && offset < end) records.push({ partition: batch.partition, offset, message });
              if (offset + 1 >= end) done.set(batch.partition, true);
            }
            check();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
