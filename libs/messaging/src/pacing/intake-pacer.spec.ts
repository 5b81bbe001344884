import { IntakePacer } from './intake-pacer';

describe(IntakePacer.name, () => {
  it('is not busy under a trickle of requests', async () => {
    const sut = new IntakePacer(3, 1_000);
    for (let i = 0; i < 5; i += 1) await sut.track(async () => undefined);
    expect(sut.busy()).toBe(false);
  });

  it('is busy during a burst and for the quiet period after it', async () => {
    const sut = new IntakePacer(3, 40);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const burst = Array.from({ length: 3 }, () => sut.track(() => gate));
    expect(sut.busy()).toBe(true);
    release();
    await Promise.all(burst);
    expect(sut.busy()).toBe(true);
    await new Promise((r) => setTimeout(r, 60));
    expect(sut.busy()).toBe(false);
  });
});
