import {
  createErrorFromCode,
  isRebalancing,
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSOffsetOutOfRange,
  KafkaJSProtocolError,
} from './index';

describe('error mapping', () => {
  it('maps Kafka error codes to KafkaJSProtocolError with type, code and retriable', () => {
    const e = createErrorFromCode(6);
    expect(e).toBeInstanceOf(KafkaJSProtocolError);
    expect(e).toBeInstanceOf(KafkaJSError);
    expect(e).toMatchObject({ name: 'KafkaJSProtocolError', type: 'NOT_LEADER_FOR_PARTITION', code: 6, retriable: true });
    expect(createErrorFromCode(36)).toMatchObject({ type: 'TOPIC_ALREADY_EXISTS', retriable: false });
    expect(createErrorFromCode(9999)).toMatchObject({ type: 'KAFKAJS_UNKNOWN_ERROR_CODE', code: 9999 });
  });

  it('recognises the errors that require a rejoin', () => {
    expect(isRebalancing(createErrorFromCode(27))).toBe(true);
    expect(isRebalancing(createErrorFromCode(22))).toBe(true);
    expect(isRebalancing(createErrorFromCode(16))).toBe(true);
    expect(isRebalancing(createErrorFromCode(25))).toBe(false);
    expect(isRebalancing(new Error('REBALANCE_IN_PROGRESS'))).toBe(false);
  });

  it('uses kafkajs class names and retriable flags', () => {
    expect(new KafkaJSError('x')).toMatchObject({ name: 'KafkaJSError', retriable: true });
    expect(new KafkaJSNonRetriableError('x')).toMatchObject({ name: 'KafkaJSNonRetriableError', retriable: false });
    expect(new KafkaJSConnectionError('x', { broker: 'b:1' })).toMatchObject({ name: 'KafkaJSConnectionError', retriable: true, broker: 'b:1' });
    expect(new KafkaJSGroupCoordinatorNotFound('x')).toMatchObject({ name: 'KafkaJSGroupCoordinatorNotFound', retriable: false });
    const cause = new Error('inner');
    const exceeded = new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 100 });
    expect(exceeded).toMatchObject({ name: 'KafkaJSNumberOfRetriesExceeded', retriable: false, retryCount: 5, retryTime: 100, cause });
    expect(exceeded.stack).toContain('Caused by');
    const oor = new KafkaJSOffsetOutOfRange(createErrorFromCode(1), { topic: 't', partition: 2 });
    expect(oor).toMatchObject({ name: 'KafkaJSOffsetOutOfRange', topic: 't', partition: 2 });
  });
});
