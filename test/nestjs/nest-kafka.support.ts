/** Test support for the NestJS Kafka transport e2e spec: waiting, log capture, fetch events. */
import { LoggerService } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';

/** Group settings short enough that joins and rebalances take well under a second here. */
export const FAST_GROUP = { sessionTimeout: 3_000, heartbeatInterval: 200, rebalanceTimeout: 3_000, maxWaitTimeInMs: 100 };
export const WAIT_MS = 20_000;
export const REPLY_TIMEOUT_MS = 15_000;

export interface RecordMetadataLike {
  topicName: string;
  partition: number;
  errorCode: number;
  baseOffset: string;
}

export interface GroupMemberLike {
  memberId: string;
  memberAssignment: Buffer;
}

/** Keeps what Nest logs at error level (Nest's Logger is process-global), prints nothing. */
export class CapturingLogger implements LoggerService {
  readonly errors: string[] = [];
  log(): void {}
  warn(): void {}
  debug(): void {}
  verbose(): void {}
  error(message: unknown, ...rest: unknown[]): void {
    const context = rest.length > 0 ? String(rest[rest.length - 1]) : '';
    this.errors.push(`[${context}] ${message instanceof Error ? message.message : String(message)}`);
  }
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Resolves on the consumer's next completed fetch. kafkajs resolves a new assignment's start
 * offsets (latest, for ClientKafka's reply consumer) lazily in its first fetch, so a reply
 * produced before then would be skipped, exactly as on real Kafka. Awaiting one fetch after
 * connect (or after a rebalance) removes that race from the test.
 */
export function nextFetch(client: ClientKafka, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const consumer = client.consumer;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      remove();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for a fetch of ${what}`));
    }, timeoutMs);
    const remove = consumer.on(consumer.events.FETCH, () => {
      clearTimeout(timer);
      remove();
      resolve();
    });
  });
}
