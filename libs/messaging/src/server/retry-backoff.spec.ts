import { DEFAULT_RETRY_TRANSIENT_MAX_BACKOFF_MS, RetryPolicy } from '../config/messaging.config';
import { backoffMs, transientBackoffMs } from './retry-backoff';

const policy: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 20, maxBackoffMs: 2_000, transientMaxBackoffMs: 5_000 };
const noJitter = () => 0;
const fullJitter = () => 0.999999;

describe('retry backoff', () => {
  it('permanent failures: doubles from the initial backoff up to maxBackoffMs, jittered down by at most 20 %', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(policy, a, noJitter))).toEqual([20, 40, 80, 160]);
    expect(backoffMs(policy, 20, noJitter)).toBe(2_000);
    expect(backoffMs(policy, 20, fullJitter)).toBe(1_600);
  });

  it('transient failures: doubles per round up to the transient cap, never beyond it, however many rounds', () => {
    const rounds = Array.from({ length: 12 }, (_, i) => transientBackoffMs(policy, i + 1, noJitter));
    expect(rounds.slice(0, 4)).toEqual([20, 40, 80, 160]);
    expect(rounds.slice(9)).toEqual([5_000, 5_000, 5_000]);
    expect(transientBackoffMs(policy, 10_000, noJitter)).toBe(5_000);
    for (let round = 1; round < 40; round += 1) {
      const ms = transientBackoffMs(policy, round);
      expect(ms).toBeGreaterThanOrEqual(1);
      expect(ms).toBeLessThanOrEqual(5_000);
    }
  });

  it('transient jitter spreads a wait over its upper half', () => {
    expect(transientBackoffMs(policy, 20, fullJitter)).toBe(2_500);
    const samples = Array.from({ length: 200 }, () => transientBackoffMs(policy, 20));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(2_500);
    expect(new Set(samples).size).toBeGreaterThan(50);
  });

  it('defaults the transient cap and never waits 0 ms (a retry loop always yields)', () => {
    const bare: RetryPolicy = { maxAttempts: 1, initialBackoffMs: 0, maxBackoffMs: 0 };
    expect(transientBackoffMs(bare, 1, noJitter)).toBe(1);
    expect(transientBackoffMs({ ...bare, initialBackoffMs: 100 }, 50, noJitter)).toBe(DEFAULT_RETRY_TRANSIENT_MAX_BACKOFF_MS);
  });
});
