import { BatchCoalescer } from './batch-coalescer';

describe(BatchCoalescer.name, () => {
  it('coalesces concurrent submissions into one flush and returns each item its own result', async () => {
    const flushes: number[][] = [];
    const sut = new BatchCoalescer<number, number>(async (items) => {
      flushes.push(items);
      return items.map((i) => (i === 3 ? { ok: false, error: new Error('three') } : { ok: true, value: i * 10 }));
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => sut.submit(i)));
    expect(flushes).toEqual([[1, 2, 3, 4]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 20, 'three', 40]);
  });

  it('queues items submitted during a flush for the next one, respecting maxBatch', async () => {
    const flushes: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sut = new BatchCoalescer<number, number>(async (items) => {
      flushes.push(items);
      if (flushes.length === 1) await gate;
      return items.map((value) => ({ ok: true, value }));
    }, 2);
    const first = sut.submit(1);
    await new Promise((r) => setImmediate(r));
    const later = [2, 3, 4].map((i) => sut.submit(i));
    release();
    await Promise.all([first, ...later]);
    expect(flushes).toEqual([[1], [2, 3], [4]]);
  });

  it('rejects every item of a batch whose flush throws', async () => {
    const sut = new BatchCoalescer<number, number>(async () => {
      throw new Error('db down');
    });
    await expect(Promise.all([sut.submit(1), sut.submit(2)])).rejects.toThrow('db down');
  });
});
