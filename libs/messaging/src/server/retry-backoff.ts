import type { RetryPolicy } from '../config/messaging.config';
import { NonRetriableError } from '../errors/messaging.errors';
import { EventDecodeError, UnknownTopicError, UnsupportedSchemaVersionError } from '@peak/contracts';

/** Jitter: each wait is between (1 - JITTER) and 1 times the exponential delay. */
const JITTER = 0.2;

/** Delay before delivery attempt `attempt + 1` (attempt counts from 1): exponential, capped, jittered. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const exp = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
  return Math.round(exp * (1 - JITTER * Math.random()));
}

/** Errors that no retry can fix: they go straight to the DLQ. */
export function isPermanentError(err: unknown): boolean {
  return (
    err instanceof NonRetriableError ||
    err instanceof EventDecodeError ||
    err instanceof UnsupportedSchemaVersionError ||
    err instanceof UnknownTopicError
  );
}
