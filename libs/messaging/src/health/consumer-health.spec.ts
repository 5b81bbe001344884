import { ConsumerHealth } from './consumer-health';

const down = new Error('connect ECONNREFUSED 127.0.0.1:5432');

describe(ConsumerHealth.name, () => {
  it('keeps a partition retrying until every batch holding it has recovered (two members of one process during a rebalance)', () => {
    let now = 1_000;
    const health = new ConsumerHealth(() => now);
    health.enter('g', 't', 0, 'ECONNREFUSED', down);
    now = 1_500;
    health.enter('g', 't', 0, 'postgres 57P01', new Error('terminating connection'));
    expect(health.retrying()).toEqual([
      { group: 'g', topic: 't', partition: 0, sinceMs: 1_000, retries: 0, reason: 'postgres 57P01', lastError: 'Error: terminating connection' },
    ]);
    health.leave('g', 't', 0);
    expect(health.retrying()).toHaveLength(1);
    health.leave('g', 't', 0);
    expect(health.retrying()).toEqual([]);
    health.leave('g', 't', 0);
    expect(health.retrying()).toEqual([]);
  });

  it('lists the partitions degraded for at least a given time, longest first', () => {
    let now = 0;
    const health = new ConsumerHealth(() => now);
    health.enter('a', 't', 1, 'ECONNREFUSED', down);
    now = 800;
    health.enter('b', 't', 2, 'ECONNREFUSED', down);
    now = 1_200;
    expect(health.degradedFor(1_000).map((p) => p.group)).toEqual(['a']);
    expect(health.retrying().map((p) => p.group)).toEqual(['a', 'b']);
  });

  it('counts transient retries per group even for a partition it does not list', () => {
    const health = new ConsumerHealth();
    health.retried('g', 't', 9, 'ECONNREFUSED', down);
    expect(health.transientRetries()).toEqual([{ group: 'g', retries: 1 }]);
    expect(health.retrying()).toEqual([]);
  });
});
