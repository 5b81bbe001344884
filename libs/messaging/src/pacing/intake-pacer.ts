/** How long after the last burst the intake still counts as busy. */
export const DEFAULT_QUIET_AFTER_MS = 50;
/** Concurrent intake requests that make a burst (a trickle of orders never pauses consumers). */
export const DEFAULT_BURST_IN_FLIGHT = 16;

/**
 * Peak shaving inside one process: HTTP intake reports its requests, and consumers asked to
 * yield (PeakKafkaServer `pacer`) hold back new batches while intake is in a burst (many
 * requests in flight, recently), up to a bounded wait per batch. A burst is accepted first
 * and the backlog is worked off after; under light load consumers never wait.
 * Single-threaded use (one event loop); cheap enough to call per request.
 */
export class IntakePacer {
  private inFlight = 0;
  private lastBurst = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly burstInFlight = DEFAULT_BURST_IN_FLIGHT,
    private readonly quietAfterMs = DEFAULT_QUIET_AFTER_MS,
  ) {}

  /** Runs `work` as intake activity. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    if (this.inFlight >= this.burstInFlight) this.lastBurst = performance.now();
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
    }
  }

  /** True while intake is in a burst or was within the quiet period. */
  busy(): boolean {
    return this.inFlight >= this.burstInFlight || performance.now() - this.lastBurst < this.quietAfterMs;
  }
}
