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

  it('rejects every item of a batch at once, without splitting it, when the flush fails transiently', async () => {
    let flushes = 0;
    const sut = new BatchCoalescer<number, number>(async () => {
      flushes += 1;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => sut.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(flushes).toBe(1);
  });

  describe('batch isolation (a fake executor: a batch is one atomic statement that fails as a whole if any item is bad)', () => {
    /** Items whose value the "database" refuses, like a field too long for its column. */
    function executor(bad: Set<number>) {
      const committed: number[] = [];
      let executions = 0;
      const flush = async (items: number[]) => {
        executions += 1;
        const poison = items.find((i) => bad.has(i));
        if (poison !== undefined) {
          throw Object.assign(new Error(`value too long for type character varying(8) (item ${poison})`), { code: '22001' });
        }
        committed.push(...items);
        return items.map((value) => ({ ok: true as const, value }));
      };
      return { flush, committed, executions: () => executions };
    }

    it('a poison item in the middle of 1,000: only it rejects, the others commit once, in O(log n) executions', async () => {
      const n = 1_000;
      const poison = 517;
      const db = executor(new Set([poison]));
      const sut = new BatchCoalescer<number, number>(db.flush, n);
      const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => sut.submit(i)));
      const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
      expect(rejected).toEqual([poison]);
      expect(((results[poison] as PromiseRejectedResult).reason as { code?: string }).code).toBe('22001');
      expect(db.committed.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i).filter((i) => i !== poison));
      // One failed execution per level of the bisection plus its sibling half: 1 + 2·⌈log2 n⌉.
      expect(db.executions()).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(n)));
    });

    it('isolates several bad items of one batch', async () => {
      const bad = new Set([0, 9, 10, 63]);
      const db = executor(bad);
      const sut = new BatchCoalescer<number, number>(db.flush);
      const results = await Promise.allSettled(Array.from({ length: 64 }, (_, i) => sut.submit(i)));
      expect(results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []))).toEqual([...bad]);
      expect(db.committed).toHaveLength(64 - bad.size);
    });

    it('costs one execution per batch when nothing fails', async () => {
      const db = executor(new Set());
      const sut = new BatchCoalescer<number, number>(db.flush);
      await Promise.all(Array.from({ length: 500 }, (_, i) => sut.submit(i)));
      expect(db.executions()).toBe(1);
    });

    it('a half that fails transiently while bisecting rejects its items at once; the other half still commits', async () => {
      let executions = 0;
      const committed: number[] = [];
      const sut = new BatchCoalescer<number, number>(async (items) => {
        executions += 1;
        if (executions === 1) throw Object.assign(new Error('new row violates check constraint'), { code: '23514' });
        if (items.includes(0)) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
        committed.push(...items);
        return items.map((value) => ({ ok: true as const, value }));
      });
      const results = await Promise.allSettled([0, 1, 2, 3].map((i) => sut.submit(i)));
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
      expect(committed).toEqual([2, 3]);
      expect(executions).toBe(3);
    });
  });
});
