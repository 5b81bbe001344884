/**
 * Auto-commits that do not hold up consumption: request() starts a commit and returns at
 * once, so the next fetch and the user's handler overlap the commit (and the broker's fsync
 * behind it). One commit is in flight at a time; requests made meanwhile are folded into
 * one more commit after it, which takes every offset resolved by then. The first failure
 * is kept for the runner to throw at its next fetch cycle (a rebalance error there leads to
 * a rejoin, others to the retry policy; the offsets stay uncommitted and go with the next
 * commit). Used by one runner.
 */
export class BackgroundCommit {
  private inFlight: Promise<void> | null = null;
  private again = false;
  private error: Error | null = null;

  constructor(private readonly commit: () => Promise<void>) {}

  request(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = this.run();
  }

  /** Resolves once no commit is in flight (a failure stays kept). */
  async settle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /** Returns and clears the kept failure. */
  take(): Error | null {
    const error = this.error;
    this.error = null;
    return error;
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.commit();
      } while (this.again);
    } catch (e) {
      this.error ??= e instanceof Error ? e : new Error(String(e));
    } finally {
      this.inFlight = null;
      this.again = false;
    }
  }
}
