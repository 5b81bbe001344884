/**
 * Group commit for one log: at most one sync in flight; callers that arrive while it runs
 * share the next one (which starts when the running one ends), so N concurrent flush()
 * calls cost at most two syncs. A sync begins one microtask after it is requested, so
 * callers in the same tick as the first share it. A caller's promise resolves only after a sync that started
 * after the caller arrived, so everything written before the call is covered.
 * Not thread-safe (one event loop); the sync itself runs off the loop.
 */
export class FlushScheduler {
  private inFlight: Promise<void> | null = null;
  /** True from start() until the sync function is actually called (one microtask later). */
  private notStartedYet = false;
  private queued: Promise<void> | null = null;
  private syncs = 0;
  private requests = 0;

  /** `sync` makes everything written so far durable. */
  constructor(private readonly sync: () => Promise<void>) {}

  /** Resolves once a sync that started at or after this call has finished; rejects if it failed. */
  request(): Promise<void> {
    this.requests++;
    if (this.inFlight === null) return this.start();
    // The sync has not begun yet, so it will cover this caller's writes too.
    if (this.notStartedYet) return this.inFlight;
    if (this.queued === null) {
      this.queued = this.inFlight
        .catch(() => undefined)
        .then(() => {
          this.queued = null;
          return this.start();
        });
    }
    return this.queued;
  }

  /** Resolves when no sync is running or queued (failures swallowed). */
  async idle(): Promise<void> {
    while (this.queued !== null || this.inFlight !== null) {
      await (this.queued ?? this.inFlight)?.catch(() => undefined);
    }
  }

  /** Syncs started so far. */
  syncCount(): number {
    return this.syncs;
  }

  /** request() calls so far. */
  requestCount(): number {
    return this.requests;
  }

  private start(): Promise<void> {
    this.syncs++;
    this.notStartedYet = true;
    const running: Promise<void> = Promise.resolve()
      .then(() => {
        this.notStartedYet = false;
        return this.sync();
      })
      .finally(() => {
        if (this.inFlight === running) this.inFlight = null;
      });
    this.inFlight = running;
    return running;
  }
}
