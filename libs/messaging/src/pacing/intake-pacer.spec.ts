import { IntakePacer } from './intake-pacer';

afterEach(() => jest.useRealTimers());

describe(IntakePacer.name, () => {
  it('is not busy under a trickle of requests', async () => {
    const sut = new IntakePacer(3, 1_000);
    for (let i = 0; i < 5; i += 1) await sut.track(async () => undefined);
    expect(sut.busy()).toBe(false);
  });

  it('is busy during a burst and for the quiet period after it', async () => {
    // The quiet period is measured with performance.now(), which jest's modern fake timers drive.
    jest.useFakeTimers();
    const sut = new IntakePacer(3, 40);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const burst = Array.from({ length: 3 }, () => sut.track(() => gate));
    expect(sut.busy()).toBe(true);
    release();
    await Promise.all(burst);
    expect(sut.busy()).toBe(true);
    jest.advanceTimersByTime(39);
    expect(sut.busy()).toBe(true);
    jest.advanceTimersByTime(2);
    expect(sut.busy()).toBe(false);
  });
});
