/** How many ticks per heartbeat interval: a due heartbeat goes out at most half an interval late. */
const TICKS_PER_INTERVAL = 2;

/**
 * Keeps the group session alive while the user's handler runs: between start() and stop()
 * a timer calls `beat` (which sends a Heartbeat when one is due) every half heartbeat
 * interval, one call at a time, so a handler slower than the session timeout does not get
 * its member expired. Like Kafka's max.poll.interval.ms, this lasts `maxProcessingMs` at
 * most: a handler stuck longer is treated as a stuck process (no more heartbeats, the
 * session expires, the group moves its partitions). The first failure (a rebalance, a fenced member) is kept for the
 * processing loop to act on: it reads `failure` between messages and after the batch.
 * Not shared between consumers; start/stop are called by one runner.
 */
export class BackgroundHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private error: Error | null = null;
  private startedAt = 0;

  constructor(
    private readonly beat: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly maxProcessingMs: number,
    private readonly onGiveUp: () => void = () => undefined,
  ) {}

  /** The first heartbeat failure since the last take(), or null. */
  get failure(): Error | null {
    return this.error;
  }

  /** Returns and clears the kept failure. */
  take(): Error | null {
    const error = this.error;
    this.error = null;
    return error;
  }

  start(): void {
    if (this.timer) return;
    this.startedAt = Date.now();
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.floor(this.intervalMs / TICKS_PER_INTERVAL)));
    this.timer.unref();
  }

  /** Stops the timer; resolves once a heartbeat still in flight has finished (its failure is kept). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.inFlight) await this.inFlight;
  }

  private tick(): void {
    if (this.inFlight || this.error) return;
    if (Date.now() - this.startedAt >= this.maxProcessingMs) {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      this.onGiveUp();
      return;
    }
    this.inFlight = this.beat()
      .catch((e: unknown) => {
        this.error ??= e instanceof Error ? e : new Error(String(e));
      })
      .finally(() => {
        this.inFlight = null;
      });
  }
}
