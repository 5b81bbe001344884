import { BackgroundHeartbeat } from './background-heartbeat';

describe(BackgroundHeartbeat.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('beats every half interval while started, and not after stop()', async () => {
    let beats = 0;
    const heartbeat = new BackgroundHeartbeat(async () => void beats++, 100, 60_000);
    heartbeat.start();
    await jest.advanceTimersByTimeAsync(500);
    expect(beats).toBe(10);
    await heartbeat.stop();
    await jest.advanceTimersByTimeAsync(500);
    expect(beats).toBe(10);
  });

  it('gives up after maxProcessingMs, so a stuck handler lets its session expire', async () => {
    let beats = 0;
    let gaveUp = 0;
    const heartbeat = new BackgroundHeartbeat(async () => void beats++, 100, 300, () => gaveUp++);
    heartbeat.start();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(beats).toBe(5);
    expect(gaveUp).toBe(1);
    await heartbeat.stop();
  });

  it('keeps beating past maxProcessingMs while the handlers make progress', async () => {
    let beats = 0;
    let gaveUp = 0;
    const heartbeat = new BackgroundHeartbeat(async () => void beats++, 100, 300, () => gaveUp++);
    heartbeat.start();
    for (let i = 0; i < 10; i++) {
      heartbeat.progress();
      await jest.advanceTimersByTimeAsync(100);
    }
    expect(gaveUp).toBe(0);
    expect(beats).toBe(20);
    await jest.advanceTimersByTimeAsync(400);
    expect(gaveUp).toBe(1);
    await heartbeat.stop();
  });

  it('keeps the first failure for the processing loop and stops beating until it is taken', async () => {
    let beats = 0;
    const heartbeat = new BackgroundHeartbeat(async () => {
      beats++;
      throw new Error('REBALANCE_IN_PROGRESS');
    }, 100, 60_000);
    heartbeat.start();
    await jest.advanceTimersByTimeAsync(300);
    expect(beats).toBe(1);
    expect(heartbeat.failure?.message).toBe('REBALANCE_IN_PROGRESS');
    await heartbeat.stop();
    expect(heartbeat.take()?.message).toBe('REBALANCE_IN_PROGRESS');
    expect(heartbeat.failure).toBeNull();
  });
});
