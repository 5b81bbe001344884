import { ManualCapacityClock } from './capacity-clock';
import { StageCapacity } from './stage-capacity';
import { CapacityWaitCancelledError } from './stage-capacity.errors';

/** Lets the promise callbacks of granted waiters run (the manual clock fires timers synchronously). */
const settle = () => new Promise<void>((r) => setImmediate(r));

/** Queues `n` callers named `${prefix}-i`; `granted` lists names in the order they got capacity. */
function queue(sut: StageCapacity, n: number, granted: string[], prefix = 'w', releaseAtOnce = true): Array<Promise<void>> {
  return Array.from({ length: n }, (_, i) =>
    sut.acquire().then(() => {
      granted.push(`${prefix}-${i}`);
      if (releaseAtOnce) sut.release();
    }),
  );
}

describe(StageCapacity.name, () => {
  it('without limits runs the work at once', async () => {
    const sut = new StageCapacity('free', { ratePerSecond: 0, concurrency: 0 });
    expect(sut.unlimited).toBe(true);
    await expect(sut.run(() => 42)).resolves.toBe(42);
    expect(sut.snapshot()).toMatchObject({ ratePerSecond: 0, concurrency: 0, inProgress: 0, waiting: 0 });
  });

  it('holds a backlog at its rate from the first item on: 1500/s is 150 per 100 ms, with no burst at the start', async () => {
    const clock = new ManualCapacityClock();
    const sut = new StageCapacity('auth-check', { ratePerSecond: 1500, concurrency: 0, clock });
    const granted: string[] = [];
    queue(sut, 3_000, granted);
    await settle();
    expect(granted).toHaveLength(1);
    const perWindow: number[] = [];
    for (let w = 0; w < 10; w++) {
      const before = granted.length;
      clock.advance(100);
      await settle();
      perWindow.push(granted.length - before);
    }
    for (const n of perWindow) {
      expect(n).toBeGreaterThanOrEqual(149);
      expect(n).toBeLessThanOrEqual(151);
    }
    expect(granted.length).toBeGreaterThanOrEqual(1_500);
    expect(granted.length).toBeLessThanOrEqual(1_502);
  });

  it('releases a backlog in grains of tickMs (10 at 1,000/s), so the work can share a statement, at the same rate', async () => {
    const clock = new ManualCapacityClock();
    const sut = new StageCapacity('auth-check', { ratePerSecond: 1_000, concurrency: 0, clock });
    const granted: string[] = [];
    queue(sut, 200, granted);
    await settle();
    expect(granted).toHaveLength(1);
    clock.advance(9);
    await settle();
    expect(granted).toHaveLength(1); // nothing before the tick, although 9 tokens accrued
    clock.advance(1);
    await settle();
    expect(granted).toHaveLength(11); // the tick hands out the 10 accrued at once
    clock.advance(90);
    await settle();
    expect(granted.length).toBeGreaterThanOrEqual(100);
    expect(granted.length).toBeLessThanOrEqual(102);
  });

  it('uses one timer for the whole line, never one per waiter', async () => {
    const clock = new ManualCapacityClock();
    const sut = new StageCapacity('course-check', { ratePerSecond: 100, concurrency: 0, clock });
    const granted: string[] = [];
    queue(sut, 500, granted);
    expect(clock.pendingTimers).toBe(1);
    for (let i = 0; i < 50; i++) {
      clock.advance(7);
      expect(clock.pendingTimers).toBeLessThanOrEqual(1);
    }
    await settle();
    expect(granted.length).toBeGreaterThan(30);
  });

  it('serves waiters in arrival order, later arrivals behind earlier ones', async () => {
    const clock = new ManualCapacityClock();
    const sut = new StageCapacity('s', { ratePerSecond: 50, concurrency: 0, clock });
    const granted: string[] = [];
    const early = queue(sut, 30, granted, 'early');
    clock.advance(100);
    const late = queue(sut, 5, granted, 'late');
    clock.advance(1_000);
    await Promise.all([...early, ...late]);
    expect(granted).toEqual([...Array.from({ length: 30 }, (_, i) => `early-${i}`), ...Array.from({ length: 5 }, (_, i) => `late-${i}`)]);
  });

  it('a full bucket (burst = rate, as the payment gateways are configured) lets that many start at once', async () => {
    const clock = new ManualCapacityClock();
    const sut = new StageCapacity('gw', { ratePerSecond: 50, concurrency: 0, burst: 50, initialTokens: 50, clock });
    const granted: string[] = [];
    queue(sut, 60, granted);
    await settle();
    expect(granted).toHaveLength(50);
    clock.advance(200);
    await settle();
    expect(granted).toHaveLength(60);
  });

  it('after an idle period lets at most the default burst (20 ms worth) through at once', async () => {
    const clock = new ManualCapacityClock();
    const sut = new StageCapacity('s', { ratePerSecond: 1000, concurrency: 0, clock });
    expect(sut.burst).toBe(20);
    clock.advance(5_000);
    const granted: string[] = [];
    queue(sut, 100, granted);
    await settle();
    expect(granted).toHaveLength(20);
  });

  it('never runs more than its concurrency at once; a freed slot goes to the longest waiter', async () => {
    const sut = new StageCapacity('slots', { ratePerSecond: 0, concurrency: 3 });
    const granted: string[] = [];
    const all = queue(sut, 7, granted, 'w', false);
    await settle();
    expect(granted).toEqual(['w-0', 'w-1', 'w-2']);
    expect(sut.snapshot()).toMatchObject({ inProgress: 3, waiting: 4 });
    sut.release();
    await settle();
    expect(granted).toEqual(['w-0', 'w-1', 'w-2', 'w-3']);
    for (let i = 0; i < 6; i++) sut.release();
    await Promise.all(all);
    expect(granted).toEqual(['w-0', 'w-1', 'w-2', 'w-3', 'w-4', 'w-5', 'w-6']);
    expect(sut.snapshot()).toMatchObject({ inProgress: 0, waiting: 0 });
  });

  it('run() frees the slot when the work fails', async () => {
    const sut = new StageCapacity('slots', { ratePerSecond: 0, concurrency: 1 });
    await expect(sut.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sut.run(() => 'next')).resolves.toBe('next');
  });

  it('a waiter that gave up leaves the line at its turn without using a token or a slot', async () => {
    const clock = new ManualCapacityClock();
    const sut = new StageCapacity('s', { ratePerSecond: 10, concurrency: 1, clock });
    let late = false;
    const first = sut.run(() => 'first');
    const quitter = sut.run(() => 'never', { cancelled: () => late });
    const third = sut.run(() => 'third');
    late = true;
    await expect(first).resolves.toBe('first');
    let thirdDone = false;
    void third.then(() => (thirdDone = true));
    // The token due at 100 ms goes to the third caller: the quitter used none.
    clock.advance(100);
    await expect(quitter).rejects.toBeInstanceOf(CapacityWaitCancelledError);
    await settle();
    expect(thirdDone).toBe(true);
    await expect(third).resolves.toBe('third');
  });

  it('a caller that has already given up on arrival gets nothing, limited or not', async () => {
    for (const limits of [{ ratePerSecond: 0, concurrency: 0 }, { ratePerSecond: 10, concurrency: 1 }]) {
      const sut = new StageCapacity('s', limits);
      let ran = false;
      await expect(sut.run(() => (ran = true), { cancelled: () => true })).rejects.toBeInstanceOf(CapacityWaitCancelledError);
      expect(ran).toBe(false);
      await expect(sut.run(() => 'next')).resolves.toBe('next');
    }
  });

  it('rate and concurrency together: a slot is taken only after the token', async () => {
    const clock = new ManualCapacityClock();
    const sut = new StageCapacity('gw', { ratePerSecond: 100, concurrency: 2, clock });
    const granted: string[] = [];
    queue(sut, 5, granted, 'w', false);
    clock.advance(50);
    await settle();
    expect(granted).toEqual(['w-0', 'w-1']);
    expect(sut.snapshot()).toMatchObject({ inProgress: 2, waiting: 3, ratePerSecond: 100, concurrency: 2 });
    sut.release();
    await settle();
    expect(granted).toEqual(['w-0', 'w-1', 'w-2']);
  });
});
