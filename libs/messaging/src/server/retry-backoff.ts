import { DEFAULT_RETRY_TRANSIENT_MAX_BACKOFF_MS, RetryPolicy } from '../config/messaging.config';
export { isPermanentError } from './failure-classifier';

/** Jitter: each wait is between (1 - JITTER) and 1 times the exponential delay. */
const JITTER = 0.2;
/**
 * Transient waits are spread wider (between half and all of the delay), so partitions, members
 * and processes that lost the database at the same moment do not all reconnect at once.
 */
const TRANSIENT_JITTER = 0.5;

/** Delay before delivery attempt `attempt + 1` (attempt counts from 1): exponential, capped, jittered. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
  return Math.round(exp * (1 - JITTER * random()));
}

/**
 * Wait before retry round `round` (from 1) of a transient failure: RETRY_INITIAL_BACKOFF_MS
 * doubling per round, capped at `transientMaxBackoffMs`, jittered between half and all of it.
 * Never less than 1 ms, so a retry loop always yields to the event loop.
 */
export function transientBackoffMs(policy: RetryPolicy, round: number, random: () => number = Math.random): number {
  const cap = policy.transientMaxBackoffMs ?? DEFAULT_RETRY_TRANSIENT_MAX_BACKOFF_MS;
  const exp = Math.min(cap, Math.max(1, policy.initialBackoffMs) * 2 ** Math.min(round - 1, 30));
  return Math.max(1, Math.round(exp * (1 - TRANSIENT_JITTER * random())));
}
