import { kafkaError, KafkaErrorInfo } from '@peak/protocol';
import { KafkaJSError } from './kafkajs-error';

/** A Kafka error code from the broker, with its table entry (`type`, `code`, `retriable`). */
export class KafkaJSProtocolError extends KafkaJSError {
  readonly type: string;
  readonly code: number;

  constructor(e: KafkaErrorInfo | Error | string, options: { retriable?: boolean } = {}) {
    const info = typeof e === 'object' && 'code' in e && 'type' in e ? (e as KafkaErrorInfo) : null;
    super(info ? info.message : (e as Error | string), { retriable: options.retriable ?? info?.retriable ?? false });
    this.type = info ? info.type : 'KAFKAJS_UNKNOWN_ERROR_CODE';
    this.code = info ? info.code : -1;
  }
}

/** OFFSET_OUT_OF_RANGE for one partition. */
export class KafkaJSOffsetOutOfRange extends KafkaJSProtocolError {
  readonly topic: string;
  readonly partition: number;

  constructor(e: KafkaErrorInfo | Error | string, metadata: { topic: string; partition: number }) {
    super(e);
    this.topic = metadata.topic;
    this.partition = metadata.partition;
  }
}

/** Builds the protocol error for a non-zero Kafka error code. */
export function createErrorFromCode(code: number): KafkaJSProtocolError {
  return new KafkaJSProtocolError(kafkaError(code));
}

/** Throws the protocol error for `code` unless it is 0 (NONE). */
export function failOnErrorCode(code: number): void {
  if (code !== 0) throw createErrorFromCode(code);
}

const REBALANCING_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION']);

/** True for the errors after which a consumer must rejoin its group. */
export function isRebalancing(e: unknown): boolean {
  return e instanceof KafkaJSProtocolError && REBALANCING_TYPES.has(e.type);
}

/** True when `e` is the error for `type` (e.g. 'UNKNOWN_MEMBER_ID'). */
export function isProtocolErrorOfType(e: unknown, type: string): e is KafkaJSProtocolError {
  return e instanceof KafkaJSProtocolError && e.type === type;
}
