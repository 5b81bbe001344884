/** How long after the last intake request the intake still counts as busy. */
export const DEFAULT_QUIET_AFTER_MS = 25;

/**
 * Peak shaving inside one process: HTTP intake marks itself busy, and consumers asked to
 * yield (PeakKafkaServer `pacer`) hold back new batches while it is, up to a bounded wait,
 * so accepting orders keeps the CPU during a burst and the backlog is worked off after.
 * Single-threaded use (one event loop); cheap enough to call per request.
 */
export class IntakePacer {
  private inFlight = 0;
  private lastActivity = 0;

  constructor(private readonly quietAfterMs = DEFAULT_QUIET_AFTER_MS) {}

  /** Runs `work` as intake activity. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      this.lastActivity = performance.now();
    }
  }

  /** True while intake requests are running or ran within the quiet period. */
  busy(): boolean {
    return this.inFlight > 0 || performance.now() - this.lastActivity < this.quietAfterMs;
  }
}
