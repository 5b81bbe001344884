/** Largest batch handed to the flush function by default. */
export const DEFAULT_MAX_BATCH = 1_000;

/** Outcome of one item of a flushed batch: a value, or the error for that item alone. */
export type ItemResult<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Turns many concurrent single-item calls into few batch calls: items submitted while a
 * flush runs are queued and go out together in the next one (at most `maxConcurrent`
 * flushes at once, `maxBatch` items each). Used so that per-message Nest handlers still
 * write to PostgreSQL with one statement per batch.
 *
 * `flush` returns one result per item, in order; if it throws, every item of that batch
 * rejects with the error. Safe to call `submit` concurrently.
 */
export class BatchCoalescer<I, O> {
  private queue: Array<Waiting<I, O>> = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (items: I[]) => Promise<Array<ItemResult<O>>>,
    private readonly maxBatch = DEFAULT_MAX_BATCH,
    private readonly maxConcurrent = 1,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.maxConcurrent || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.running >= this.maxConcurrent || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.running += 1;
    try {
      const results = await this.flush(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const r = results[i];
        if (!r) w.reject(new Error('batch flush returned no result for an item'));
        else if (r.ok) w.resolve(r.value);
        else w.reject(r.error);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.running -= 1;
      this.schedule();
    }
  }
}
