import { ConsumerHealth } from '../health/consumer-health';
import type { FailureVerdict } from './failure-classifier';
import { PartitionRetry } from './partition-retry';

const transient: FailureVerdict = { class: 'transient', immediate: false, reason: 'postgres 57P01' };
const down = new Error('terminating connection due to administrator command');

function setup() {
  const calls: string[] = [];
  const health = new ConsumerHealth();
  const retry = new PartitionRetry({
    group: 'g',
    topic: 't',
    partition: 3,
    policy: { maxAttempts: 3, initialBackoffMs: 5, maxBackoffMs: 5, transientMaxBackoffMs: 20 },
    health,
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
  });
  return { calls, health, retry };
}

describe(PartitionRetry.name, () => {
  it('pauses the partition and reports it while any message fails transiently; resumes when the last one recovers', () => {
    const { calls, health, retry } = setup();
    retry.enter(transient, down);
    retry.enter(transient, down);
    expect(calls).toEqual(['pause']);
    expect(health.retrying()).toMatchObject([{ group: 'g', topic: 't', partition: 3, reason: 'postgres 57P01' }]);
    retry.leave();
    expect(calls).toEqual(['pause']);
    retry.leave();
    expect(calls).toEqual(['pause', 'resume']);
    expect(health.retrying()).toEqual([]);
  });

  it('lets the messages failing together wait for one shared turn', async () => {
    const { retry } = setup();
    const first = retry.nextTurn();
    const second = retry.nextTurn();
    expect(second).toBe(first);
    await expect(first).resolves.toBe(true);
    expect(retry.nextTurn()).not.toBe(first);
    retry.abandon();
  });

  it('abandon ends every wait at once with false and refuses new ones', async () => {
    const { retry } = setup();
    const turn = retry.nextTurn();
    const sleep = retry.sleep(60_000);
    retry.abandon();
    await expect(turn).resolves.toBe(false);
    await expect(sleep).resolves.toBe(false);
    await expect(retry.nextTurn()).resolves.toBe(false);
    expect(retry.abandoned).toBe(true);
  });

  it('counts transient retries per group', () => {
    const { health, retry } = setup();
    retry.enter(transient, down);
    retry.retried(transient, down);
    retry.retried(transient, down);
    expect(health.transientRetries()).toEqual([{ group: 'g', retries: 2 }]);
    expect(health.retrying()[0].retries).toBe(2);
  });

  it('keeps going when the consumer refuses to pause (reports the error instead)', () => {
    const errors: string[] = [];
    const retry = new PartitionRetry({
      group: 'g', topic: 't', partition: 0,
      policy: { maxAttempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      health: new ConsumerHealth(),
      pause: () => { throw new Error('consumer is not running'); },
      resume: () => undefined,
      onError: (what) => errors.push(what),
    });
    retry.enter(transient, down);
    expect(errors).toEqual(['pause']);
    expect(retry.failingMessages).toBe(1);
  });
});
