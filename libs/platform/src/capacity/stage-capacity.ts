import { CapacityClock, REAL_CAPACITY_CLOCK } from './capacity-clock';
import { CapacityWaitCancelledError } from './stage-capacity.errors';

/** Default bucket size of a rate limit: this much time's worth of tokens (covers timer jitter, no start burst). */
export const DEFAULT_BURST_WINDOW_MS = 20;
/**
 * Default shortest wait of the release timer: a stage hands out the tokens accrued in this
 * long together (10 at 1,000/s), so the work it starts can share one SQL statement or one
 * produce request, where a token a millisecond would start every item alone. The rate is
 * the same; only its grain is coarser.
 */
export const DEFAULT_TICK_MS = 10;
/** Served waiters kept at the head of a line before it is compacted. */
const COMPACT_AFTER = 4_096;

export interface StageCapacityOptions {
  /** Work items started per second (token bucket), 0 = unlimited. */
  ratePerSecond: number;
  /** Work items in progress at once, 0 = unlimited. */
  concurrency: number;
  /** Bucket size in tokens: how many may start at once after an idle period. Default: DEFAULT_BURST_WINDOW_MS worth, at least 1. */
  burst?: number;
  /** Tokens in the bucket at creation. Default 1: the stage holds its rate from the first item on. */
  initialTokens?: number;
  /** Shortest wait of the release timer (DEFAULT_TICK_MS); kept below the burst window. */
  tickMs?: number;
  clock?: CapacityClock;
}

export interface AcquireOptions {
  /**
   * Asked on arrival and when the caller's turn comes (for a rate token, then for a slot): true means the
   * caller no longer wants the capacity (e.g. its deadline passed); it leaves the line
   * without using any, and acquire() rejects with CapacityWaitCancelledError.
   */
  cancelled?: () => boolean;
}

/** What a stage is configured for and how busy it is (for /capacity endpoints and reports). */
export interface CapacitySnapshot {
  name: string;
  /** 0 = unlimited. */
  ratePerSecond: number;
  /** 0 = unlimited. */
  concurrency: number;
  burst: number;
  inProgress: number;
  waiting: number;
}

interface Waiter {
  grant: () => void;
  fail: (err: Error) => void;
  cancelled?: () => boolean;
}

/** A FIFO line with an advancing head (no O(n) shift per item). */
class Line {
  private items: Waiter[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(w: Waiter): void {
    this.items.push(w);
  }

  peek(): Waiter | undefined {
    return this.items[this.head];
  }

  shift(): Waiter | undefined {
    const w = this.items[this.head];
    if (w === undefined) return undefined;
    this.items[this.head++] = undefined as unknown as Waiter;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > COMPACT_AFTER) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return w;
  }
}

/**
 * The capacity of one processing stage (a payment gateway, auth's check, the course check):
 * at most `ratePerSecond` work items start per second (token bucket) and at most
 * `concurrency` are in progress at once, both first come first served. Callers waiting for a
 * rate token are released by one timer, set for when the next token is due, that hands out
 * everything accrued in arrival order; nobody polls. Then they take a concurrency slot (FIFO
 * semaphore). Either limit may be 0 (unlimited). Single event loop: safe for concurrent use
 * by async callers, not shared between processes.
 */
export class StageCapacity {
  private readonly clock: CapacityClock;
  private readonly rate: number;
  private readonly limit: number;
  readonly burst: number;
  private tokens: number;
  private lastRefill: number;
  private readonly rateLine = new Line();
  private readonly slotLine = new Line();
  private timerSet = false;
  private readonly tickMs: number;
  /** Slots taken (only counted when concurrency is limited). */
  private active = 0;
  private running = 0;

  constructor(
    readonly name: string,
    options: StageCapacityOptions,
  ) {
    this.clock = options.clock ?? REAL_CAPACITY_CLOCK;
    this.rate = Math.max(0, options.ratePerSecond);
    this.limit = Math.max(0, Math.floor(options.concurrency));
    this.burst = Math.max(1, options.burst ?? Math.ceil((this.rate * DEFAULT_BURST_WINDOW_MS) / 1000));
    this.tokens = Math.min(this.burst, Math.max(0, options.initialTokens ?? 1));
    this.lastRefill = this.clock.now();
    const burstWindowMs = this.rate > 0 ? (this.burst * 1000) / this.rate : 0;
    this.tickMs = Math.max(1, Math.min(options.tickMs ?? DEFAULT_TICK_MS, burstWindowMs));
  }

  /** True when neither limit is set: run() calls the work at once. */
  get unlimited(): boolean {
    return this.rate === 0 && this.limit === 0;
  }

  snapshot(): CapacitySnapshot {
    return {
      name: this.name,
      ratePerSecond: this.rate,
      concurrency: this.limit,
      burst: this.rate > 0 ? this.burst : 0,
      inProgress: this.running,
      waiting: this.rateLine.length + this.slotLine.length,
    };
  }

  /**
   * Runs `work` once a rate token and a slot are granted (in arrival order), and frees the
   * slot when it settles. Rejects with CapacityWaitCancelledError, without running `work`,
   * when `options.cancelled` says so at the caller's turn.
   */
  async run<T>(work: () => Promise<T> | T, options?: AcquireOptions): Promise<T> {
    if (this.unlimited) {
      if (options?.cancelled?.()) throw new CapacityWaitCancelledError(this.name);
      this.running += 1;
      try {
        return await work();
      } finally {
        this.running -= 1;
      }
    }
    await this.acquire(options);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** Waits for a rate token and a slot, in arrival order. Every resolved acquire() needs exactly one release(). */
  acquire(options: AcquireOptions = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          this.running += 1;
          resolve();
        },
        fail: reject,
        cancelled: options.cancelled,
      };
      this.enterRate(waiter);
    });
  }

  /** Frees a slot taken by acquire(): the next waiter in line gets it. */
  release(): void {
    this.running -= 1;
    if (this.limit === 0) return;
    for (;;) {
      const next = this.slotLine.shift();
      if (next === undefined) {
        this.active -= 1;
        return;
      }
      if (this.isCancelled(next)) continue;
      next.grant(); // the slot passes from the releaser to the next waiter
      return;
    }
  }

  private enterRate(w: Waiter): void {
    if (this.isCancelled(w)) return;
    if (this.rate === 0) return this.enterSlot(w);
    this.refill();
    if (this.rateLine.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return this.enterSlot(w);
    }
    this.rateLine.push(w);
    this.scheduleTokens();
  }

  private enterSlot(w: Waiter): void {
    if (this.limit === 0) return w.grant();
    if (this.slotLine.length === 0 && this.active < this.limit) {
      if (this.isCancelled(w)) return;
      this.active += 1;
      return w.grant();
    }
    this.slotLine.push(w);
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) * this.rate) / 1000);
    this.lastRefill = now;
  }

  /** One timer for the whole line: when the next token is due (at least tickMs on), hand out what has accrued, in order. */
  private scheduleTokens(): void {
    if (this.timerSet) return;
    this.timerSet = true;
    const wait = Math.max(this.tickMs, Math.ceil(((1 - this.tokens) * 1000) / this.rate));
    this.clock.setTimer(() => {
      this.timerSet = false;
      this.refill();
      for (;;) {
        const head = this.rateLine.peek();
        if (head === undefined) break;
        if (this.isCancelled(head)) {
          this.rateLine.shift();
          continue;
        }
        if (this.tokens < 1) break;
        this.tokens -= 1;
        this.rateLine.shift();
        this.enterSlot(head);
      }
      if (this.rateLine.length > 0) this.scheduleTokens();
    }, wait);
  }

  /** Whether the waiter gave up; if so it is told (rejected) here. */
  private isCancelled(w: Waiter): boolean {
    if (!w.cancelled || !w.cancelled()) return false;
    w.fail(new CapacityWaitCancelledError(this.name));
    return true;
  }
}
