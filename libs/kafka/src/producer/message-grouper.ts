import type { RecordInput } from '@peak/protocol';
import { KafkaJSNonRetriableError } from '../errors';
import type { PartitionerArgs } from '../types/config.types';
import type { Message } from '../types/message.types';
import type { PartitionMetadata } from '../types/metadata.types';

/** Records of one send bound for one partition, in the order the caller gave them. */
export interface PartitionRecords {
  partition: number;
  records: RecordInput[];
}

function toBuffer(v: Buffer | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v) : v;
}

/** Checks a send's messages the way kafkajs does before anything goes to the broker. */
export function validateMessages(topic: string, messages: unknown): asserts messages is Message[] {
  if (!topic) throw new KafkaJSNonRetriableError(`Invalid topic`);
  if (!Array.isArray(messages)) {
    throw new KafkaJSNonRetriableError(`Invalid messages array [${String(messages)}] for topic "${topic}"`);
  }
  for (const m of messages as Message[]) {
    if (m === null || typeof m !== 'object' || m.value === undefined) {
      throw new KafkaJSNonRetriableError(`Invalid message without value for topic "${topic}": ${JSON.stringify(m)}`);
    }
  }
}

/**
 * Chooses each message's partition (its own `partition`, else the partitioner's) and
 * groups them into one list per partition, keeping per-partition order. Converts string
 * keys/values to Buffers once. Partitions come out in ascending order.
 */
export function groupMessagesByPartition(
  topic: string,
  messages: readonly Message[],
  partitionMetadata: PartitionMetadata[],
  partitioner: (args: PartitionerArgs) => number,
): PartitionRecords[] {
  const buckets: Array<RecordInput[] | undefined> = [];
  const args: PartitionerArgs = { topic, partitionMetadata, message: messages[0] };
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    let partition = message.partition;
    if (partition === undefined || partition === null) {
      args.message = message;
      partition = partitioner(args);
    }
    const record: RecordInput = {
      key: toBuffer(message.key),
      value: toBuffer(message.value),
      headers: message.headers,
      timestamp: message.timestamp === undefined ? undefined : Number(message.timestamp),
    };
    const bucket = buckets[partition];
    if (bucket) bucket.push(record);
    else buckets[partition] = [record];
  }
  const out: PartitionRecords[] = [];
  for (let p = 0; p < buckets.length; p++) {
    const records = buckets[p];
    if (records) out.push({ partition: p, records });
  }
  return out;
}
