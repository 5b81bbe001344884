import type { Kafka } from '@peak/kafka';
import type { ConsumerLag, PartitionLag } from './embedded-kafka.types';

/** Committed offset, end offset and lag per partition of `groupId` (see EmbeddedKafka.consumerLag). */
export async function readConsumerLag(kafka: Kafka, groupId: string, topics?: string[]): Promise<ConsumerLag> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({ groupId, topics });
    const partitions: PartitionLag[] = [];
    for (const { topic, partitions: offsets } of committed) {
      const watermarks = new Map((await admin.fetchTopicOffsets(topic)).map((w) => [w.partition, w]));
      for (const { partition, offset } of offsets) {
        const w = watermarks.get(partition);
        if (!w) continue;
        const endOffset = Number(w.high);
        const committedOffset = offset === '-1' ? null : Number(offset);
        const lag = Math.max(0, endOffset - (committedOffset ?? Number(w.low)));
        partitions.push({ topic, partition, committedOffset, endOffset, lag });
      }
    }
    partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    return { groupId, total: partitions.reduce((sum, p) => sum + p.lag, 0), partitions };
  } finally {
    await admin.disconnect();
  }
}
