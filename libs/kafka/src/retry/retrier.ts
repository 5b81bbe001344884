import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } from '../errors';
import { Retrier, RetriableFn, RetryOptions, RETRY_DEFAULTS } from './retry.types';

const UNRECOVERABLE_ERRORS = new Set(['RangeError', 'ReferenceError', 'SyntaxError', 'TypeError']);

/**
 * Whether an error may be retried, as kafkajs decides: anything not explicitly marked
 * `retriable: false` is, except programming errors (TypeError and friends).
 */
export function isErrorRetriable(e: unknown): boolean {
  if (!(e instanceof Error)) return true;
  if (UNRECOVERABLE_ERRORS.has(e.name)) return false;
  return (e as { retriable?: boolean }).retriable !== false;
}

/** A wait of `retryTime` ± factor, rounded up, as kafkajs randomises it. */
export function randomizeRetryTime(factor: number, retryTime: number): number {
  const delta = factor * retryTime;
  return Math.ceil(retryTime - delta + Math.random() * 2 * delta);
}

/**
 * Builds a retrier with kafkajs's semantics: run `fn`; on a retriable failure wait
 * (exponential, randomised, capped at maxRetryTime) and run again, up to `retries` times,
 * then reject with KafkaJSNumberOfRetriesExceeded. A non-retriable failure rejects at once
 * wrapped in KafkaJSNonRetriableError (kafkajs does the same); `bail(e)` rejects with `e`.
 */
export function createRetry(options: RetryOptions = {}): Retrier {
  const config = { ...RETRY_DEFAULTS, ...stripUndefined(options) };
  return <T>(fn: RetriableFn<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let aborted = false;
      const bail = (e?: Error): void => {
        aborted = true;
        reject(e ?? new Error('Aborted'));
      };
      const attempt = (retryTime: number, retryCount: number): void => {
        if (aborted) return;
        const nextRetryTime = Math.min(randomizeRetryTime(config.factor, retryTime) * config.multiplier, config.maxRetryTime);
        fn(bail, retryCount, retryTime).then(
          (value) => {
            if (!aborted) resolve(value);
          },
          (e: unknown) => {
            if (aborted) return;
            const error = e instanceof Error ? e : new Error(String(e));
            if (!isErrorRetriable(error)) {
              reject(error instanceof KafkaJSNonRetriableError ? error : new KafkaJSNonRetriableError(error, { cause: error }));
            } else if (retryCount < config.retries) {
              setTimeout(() => attempt(nextRetryTime, retryCount + 1), retryTime);
            } else {
              reject(new KafkaJSNumberOfRetriesExceeded(error, { retryCount, retryTime }));
            }
          },
        );
      };
      attempt(randomizeRetryTime(config.factor, config.initialRetryTime), 0);
    });
}

function stripUndefined(options: RetryOptions): Partial<typeof RETRY_DEFAULTS> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(RETRY_DEFAULTS) as Array<keyof typeof RETRY_DEFAULTS>) {
    const value = options[key];
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}
