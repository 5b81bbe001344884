/** How many ticks per heartbeat interval: a due heartbeat goes out at most half an interval late. */
const TICKS_PER_INTERVAL = 2;

/**
 * Keeps the group session alive while the user's handler runs: between start() and stop()
 * a timer calls `beat` (which sends a Heartbeat when one is due) every half heartbeat
 * interval, one call at a time, so a handler slower than the session timeout does not get
 * its member expired. Like Kafka's max.poll.interval.ms, this lasts while the handlers make
 * progress (progress(): a message handled, an offset resolved, a heartbeat asked for): with
 * none for `maxProcessingMs` the handler is treated as a stuck process (no more heartbeats,
 * the session expires, the group moves its partitions). The first failure (a rebalance, a fenced member) is kept for the
 * processing loop to act on: it reads `failure` between messages and after the batch.
 * Not shared between consumers; start/stop are called by one runner.
 */
export class BackgroundHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private error: Error | null = null;
  /** progress() calls so far, and how many the timer had seen, when. Counting keeps progress() free of clock reads. */
  private progressCount = 0;
  private seenProgress = 0;
  private lastProgressAt = 0;

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
    this.lastProgressAt = Date.now();
    this.seenProgress = this.progressCount;
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.floor(this.intervalMs / TICKS_PER_INTERVAL)));
    this.timer.unref();
  }

  /** The handlers moved on (cheap: called once per message). */
  progress(): void {
    this.progressCount++;
  }

  /** Stops the timer; resolves once a heartbeat still in flight has finished (its failure is kept). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.inFlight) await this.inFlight;
  }

  private tick(): void {
    if (this.inFlight || this.error) return;
    const now = Date.now();
    if (this.progressCount !== this.seenProgress) {
      this.seenProgress = this.progressCount;
      this.lastProgressAt = now;
    }
    if (now - this.lastProgressAt >= this.maxProcessingMs) {
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
