/** kafkajs's retry options. */
export interface RetryOptions {
  maxRetryTime?: number;
  initialRetryTime?: number;
  /** Randomisation: each wait is the nominal time ± factor × time. */
  factor?: number;
  multiplier?: number;
  retries?: number;
  restartOnFailure?: (e: Error) => Promise<boolean>;
}

/** kafkajs's defaults (production values; we never switch on NODE_ENV). */
export const RETRY_DEFAULTS = {
  maxRetryTime: 30_000,
  initialRetryTime: 300,
  factor: 0.2,
  multiplier: 2,
  retries: 5,
} as const;

/** Called on each attempt; `bail` stops retrying with the given error. */
export type RetriableFn<T> = (bail: (e?: Error) => void, retryCount: number, retryTime: number) => Promise<T>;
export type Retrier = <T>(fn: RetriableFn<T>) => Promise<T>;
