import type { ReceivedMessage } from './kafka/embedded-kafka.types';

/** Longest message value shown in a timeout error. */
const PREVIEW_VALUE_CHARS = 60;
/** Messages listed in a timeout error before "... and N more". */
const PREVIEW_MESSAGES = 10;

function preview(message: ReceivedMessage): string {
  const value = message.value === null ? 'null' : JSON.stringify(message.value.toString('utf8').slice(0, PREVIEW_VALUE_CHARS));
  const key = message.key === null || message.key === undefined ? 'null' : JSON.stringify(message.key.toString('utf8'));
  return `${message.topic}-${message.partition}@${message.offset} key=${key} value=${value}`;
}

/** waitForMessages() gave up: fewer than `expected` messages arrived before the deadline. */
export class MessageWaitTimeoutError extends Error {
  constructor(
    readonly topic: string,
    readonly expected: number,
    readonly received: readonly ReceivedMessage[],
    readonly timeoutMs: number,
  ) {
    const shown = received.slice(0, PREVIEW_MESSAGES).map(preview);
    const more = received.length > PREVIEW_MESSAGES ? `, ... and ${received.length - PREVIEW_MESSAGES} more` : '';
    const arrived = received.length === 0 ? 'none arrived' : `arrived: [${shown.join(', ')}${more}]`;
    super(`waitForMessages("${topic}"): expected ${expected} message(s) within ${timeoutMs} ms, got ${received.length}; ${arrived}`);
    this.name = this.constructor.name;
  }
}

/** A helper was used after stop(). */
export class EmbeddedKafkaStoppedError extends Error {
  constructor(what: string) {
    super(`${what}: the embedded Kafka has been stopped`);
    this.name = this.constructor.name;
  }
}
