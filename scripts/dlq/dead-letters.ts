import type { IHeaders, Kafka, Message } from 'kafkajs';
import { DLQ_SUFFIX, DlqHeaders } from '@peak/contracts';
import { readTopicToEnd } from '@peak/messaging';

/** Header a replayed record carries: where it was replayed from (`<dlq topic>@<partition>:<offset>`). */
export const REPLAYED_FROM_HEADER = 'dlq-replayed-from';

/** One dead letter and what the consumer that gave up on it recorded. */
export interface DeadLetter {
  dlqTopic: string;
  partition: number;
  offset: number;
  key: string | null;
  originalTopic: string;
  originalPartition: string;
  originalOffset: string;
  consumerGroup: string;
  errorName: string;
  error: string;
  attempts: string;
  failedAt: string;
  /** The original record as it will be published again (dlq-* headers removed). */
  replay: Message;
}

export class DeadLetterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

const text = (headers: IHeaders | undefined, name: string): string => {
  const v = headers?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? '' : Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
};

/** `orders.created` → `orders.created.DLQ`; a name already ending in .DLQ stays. */
export function asDlqTopic(topic: string): string {
  return topic.endsWith(DLQ_SUFFIX) ? topic : `${topic}${DLQ_SUFFIX}`;
}

/** The dead-letter topics that exist, sorted. */
export async function listDlqTopics(kafka: Kafka): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((t) => t.endsWith(DLQ_SUFFIX)).sort();
  } finally {
    await admin.disconnect();
  }
}

/** Every dead letter of `dlqTopic` at or after `fromOffset` (in each partition). */
export async function readDeadLetters(kafka: Kafka, dlqTopic: string, fromOffset = 0): Promise<DeadLetter[]> {
  const records = await readTopicToEnd(kafka, dlqTopic, { fromOffset, groupPrefix: 'dlq-reader' });
  return records.map(({ partition, offset, message }) => {
    const headers = message.headers ?? {};
    const kept: IHeaders = {};
    for (const [name, value] of Object.entries(headers)) if (!name.startsWith('dlq-') && value !== undefined) kept[name] = value;
    const originalTopic = text(headers, DlqHeaders.OriginalTopic) || dlqTopic.slice(0, -DLQ_SUFFIX.length);
    return {
      dlqTopic,
      partition,
      offset,
      key: message.key ? message.key.toString('utf8') : null,
      originalTopic,
      originalPartition: text(headers, DlqHeaders.OriginalPartition),
      originalOffset: text(headers, DlqHeaders.OriginalOffset),
      consumerGroup: text(headers, DlqHeaders.ConsumerGroup),
      errorName: text(headers, DlqHeaders.ErrorName),
      error: text(headers, DlqHeaders.Error),
      attempts: text(headers, DlqHeaders.Attempts),
      failedAt: text(headers, DlqHeaders.FailedAt),
      replay: {
        key: message.key,
        value: message.value,
        headers: { ...kept, [REPLAYED_FROM_HEADER]: `${dlqTopic}@${partition}:${offset}` },
      },
    };
  });
}

/**
 * The dead letters to publish again: one per original record. When several consumer groups
 * gave up on the same record, each wrote a dead letter of it, but publishing it once reaches
 * every group of its topic again.
 */
export function distinctRecords(letters: readonly DeadLetter[]): DeadLetter[] {
  const seen = new Set<string>();
  return letters.filter((l) => {
    const origin = l.originalPartition && l.originalOffset ? `${l.originalTopic}@${l.originalPartition}:${l.originalOffset}` : `${l.dlqTopic}@${l.partition}:${l.offset}`;
    if (seen.has(origin)) return false;
    seen.add(origin);
    return true;
  });
}

/**
 * Publishes the dead letters again to their original topics (acks=-1), once per original
 * record, keyed as before, so they land on the same partition as the rest of their order.
 * Every consumer group of that topic sees them again; the pipeline's consumers are
 * idempotent, so groups that had handled them ignore them. Returns how many were published
 * per topic.
 */
export async function replayDeadLetters(kafka: Kafka, letters: readonly DeadLetter[]): Promise<Record<string, number>> {
  const byTopic = new Map<string, Message[]>();
  for (const l of distinctRecords(letters)) {
    if (l.originalTopic.endsWith(DLQ_SUFFIX)) throw new DeadLetterError(`${l.dlqTopic}@${l.offset}: its original topic ${l.originalTopic} is itself a DLQ`);
    byTopic.set(l.originalTopic, [...(byTopic.get(l.originalTopic) ?? []), l.replay]);
  }
  if (byTopic.size === 0) return {};
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  } finally {
    await producer.disconnect();
  }
  return Object.fromEntries([...byTopic].map(([t, m]) => [t, m.length]));
}
