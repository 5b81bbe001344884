import { isTransientError } from '../server/failure-classifier';

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
 * `flush` returns one result per item, in order. If it throws, the batch is isolated: for an
 * error that `isolates(err)` (by default every error that is not transient, i.e. one that may
 * be caused by one item's data) the batch is split in halves and each half flushed again,
 * recursively, so the items that work commit and only an item that fails alone rejects, with
 * its own error (a single bad item among n costs about 2·log2(n) extra flushes). A transient
 * error (database unavailable, timeout, deadlock) rejects every item of the batch with it, at
 * once: they are all retried later. When nothing fails there is exactly one flush per batch.
 * Safe to call `submit` concurrently.
 */
export class BatchCoalescer<I, O> {
  private queue: Array<Waiting<I, O>> = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (items: I[]) => Promise<Array<ItemResult<O>>>,
    private readonly maxBatch = DEFAULT_MAX_BATCH,
    private readonly maxConcurrent = 1,
    private readonly isolates: (err: unknown) => boolean = (err) => !isTransientError(err),
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
      await this.settle(batch);
    } finally {
      this.running -= 1;
      this.schedule();
    }
  }

  /** Flushes `batch` and settles each item; bisects a batch that fails with an isolating error. */
  private async settle(batch: Array<Waiting<I, O>>): Promise<void> {
    let results: Array<ItemResult<O>>;
    try {
      results = await this.flush(batch.map((w) => w.item));
    } catch (err) {
      if (batch.length === 1 || !this.isolates(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
      // The halves run one after the other: they may touch the same rows (two facts of one
      // order), and the second sees what the first committed.
      const half = batch.length >>> 1;
      await this.settle(batch.slice(0, half));
      await this.settle(batch.slice(half));
      return;
    }
    batch.forEach((w, i) => {
      const r = results[i];
      if (!r) w.reject(new Error('batch flush returned no result for an item'));
      else if (r.ok) w.resolve(r.value);
      else w.reject(r.error);
    });
  }
}
