import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, createErrorFromCode } from '../errors';
import { createRetry, isErrorRetriable, randomizeRetryTime } from './retrier';

const fast = { initialRetryTime: 1, maxRetryTime: 5, retries: 3 };

describe('createRetry', () => {
  it('retries retriable failures until the function succeeds', async () => {
    let calls = 0;
    const result = await createRetry(fast)(async () => {
      calls++;
      if (calls < 3) throw createErrorFromCode(6); // NOT_LEADER_FOR_PARTITION, retriable
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('gives up after `retries` retries with KafkaJSNumberOfRetriesExceeded', async () => {
    let calls = 0;
    const failure = createRetry(fast)(async () => {
      calls++;
      throw new Error('still failing');
    });
    await expect(failure).rejects.toBeInstanceOf(KafkaJSNumberOfRetriesExceeded);
    await expect(failure).rejects.toMatchObject({ retryCount: 3, retriable: false, name: 'KafkaJSNumberOfRetriesExceeded' });
    expect(calls).toBe(4);
  });

  it('does not retry non-retriable errors and wraps them as kafkajs does', async () => {
    let calls = 0;
    const error = createErrorFromCode(36); // TOPIC_ALREADY_EXISTS
    const failure = createRetry(fast)(async () => {
      calls++;
      throw error;
    });
    await expect(failure).rejects.toBeInstanceOf(KafkaJSNonRetriableError);
    await expect(failure).rejects.toMatchObject({ cause: error });
    expect(calls).toBe(1);
  });

  it('stops with the given error on bail', async () => {
    const reason = new Error('bail out');
    await expect(createRetry(fast)(async (bail) => bail(reason))).rejects.toBe(reason);
  });

  it('treats programming errors as unrecoverable', () => {
    expect(isErrorRetriable(new TypeError('x'))).toBe(false);
    expect(isErrorRetriable(new Error('x'))).toBe(true);
    expect(isErrorRetriable(new KafkaJSProtocolError('x', { retriable: false }))).toBe(false);
  });

  it('randomises retry times within ±factor', () => {
    for (let i = 0; i < 100; i++) {
      const t = randomizeRetryTime(0.2, 300);
      expect(t).toBeGreaterThanOrEqual(240);
      expect(t).toBeLessThanOrEqual(360);
    }
  });
});
