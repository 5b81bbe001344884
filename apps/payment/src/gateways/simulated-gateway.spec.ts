import { SimulatedGateway } from './simulated-gateway';

const instant = { requestsPerSecond: 0, concurrency: 0, latencyMedianMs: 0, latencyP99Ms: 0, failureRate: 0 };

describe(SimulatedGateway.name, () => {
  it('charges an order once however often it is asked', async () => {
    const sut = new SimulatedGateway('alipay', instant);
    const [a, b] = await Promise.all([sut.charge('o-1', 100), sut.charge('o-1', 100)]);
    const c = await sut.charge('o-1', 100);
    expect(sut.chargeCount).toBe(1);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a.ok).toBe(true);
  });

  it('declines at the configured failure rate', async () => {
    const sut = new SimulatedGateway('wechat', { ...instant, failureRate: 1 });
    await expect(sut.charge('o-2', 100)).resolves.toMatchObject({ ok: false });
  });

  it('never runs more charges at once than its concurrency', async () => {
    const sut = new SimulatedGateway('alipay', { ...instant, concurrency: 3, latencyMedianMs: 20, latencyP99Ms: 20 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 9 }, (_, i) => sut.charge(`o-${i}`, 1)));
    // 9 charges of 20 ms, 3 at a time: at least three rounds.
    expect(performance.now() - started).toBeGreaterThanOrEqual(58);
    expect(sut.chargeCount).toBe(9);
  });

  it('serves charges waiting for capacity in arrival order', async () => {
    // 50 requests/s and a burst bucket of 50: the first 50 pass at once, the rest wait for tokens.
    const sut = new SimulatedGateway('alipay', { ...instant, requestsPerSecond: 50 });
    const done: string[] = [];
    const charge = (id: string) => sut.charge(id, 1).then(() => void done.push(id));
    const early = Array.from({ length: 60 }, (_, i) => charge(`early-${i}`));
    // Later arrivals, once the early waiters have been waiting a while, must queue behind them.
    // Real time passes between the two groups (the old polling limiter let late arrivals overtake).
    await new Promise((r) => setTimeout(r, 30));
    const late = Array.from({ length: 5 }, (_, i) => charge(`late-${i}`));
    await Promise.all([...early, ...late]);
    expect(done).toEqual([...Array.from({ length: 60 }, (_, i) => `early-${i}`), ...Array.from({ length: 5 }, (_, i) => `late-${i}`)]);
  });
});
