import { randomUUID } from 'node:crypto';
import type { Kafka } from '@peak/kafka';
import { MessageWaitTimeoutError } from '../testing.errors';
import type { ReceivedMessage, WaitForMessagesOptions } from './embedded-kafka.types';

export const DEFAULT_WAIT_TIMEOUT_MS = 10_000;
/** Long-poll wait of the throwaway consumer: short, so it notices new messages and stops quickly. */
const WAIT_CONSUMER_MAX_WAIT_MS = 50;
const WAIT_GROUP_PREFIX = 'embedded-kafka-wait-';

/** The end offset of each partition of `topic`, or null when the topic does not exist yet. */
async function endOffsets(kafka: Kafka, topic: string): Promise<Array<{ partition: number; offset: string }> | null> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return null;
    return (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ partition, offset: high }));
  } finally {
    await admin.disconnect();
  }
}

async function setGroupOffsets(kafka: Kafka, groupId: string, topic: string, partitions: Array<{ partition: number; offset: string }>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId, topic, partitions });
  } finally {
    await admin.disconnect();
  }
}

async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** See EmbeddedKafka.waitForMessages. */
export async function waitForMessages(kafka: Kafka, topic: string, count: number, options: WaitForMessagesOptions = {}): Promise<ReceivedMessage[]> {
  const { timeoutMs = DEFAULT_WAIT_TIMEOUT_MS, fromBeginning = true } = options;
  const start = fromBeginning ? null : await endOffsets(kafka, topic);
  const groupId = `${WAIT_GROUP_PREFIX}${randomUUID()}`;
  if (start && start.length > 0) await setGroupOffsets(kafka, groupId, topic, start);

  const received: ReceivedMessage[] = [];
  let done!: () => void;
  const enough = new Promise<void>((resolve) => (done = resolve));
  if (count <= 0) done();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: WAIT_CONSUMER_MAX_WAIT_MS });
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: from, partition, message }) => {
        received.push({ ...message, topic: from, partition });
        if (received.length >= count) done();
      },
    });
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    if ((await Promise.race([enough.then(() => 'ok' as const), timedOut])) === 'timeout') {
      throw new MessageWaitTimeoutError(topic, count, [...received], timeoutMs);
    }
    return [...received];
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await deleteGroup(kafka, groupId);
  }
}
