/** The time source of a StageCapacity: the real one by default, a controllable one in tests. */
export interface CapacityClock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now. */
  setTimer(fn: () => void, ms: number): void;
}

/** performance.now() and setTimeout (looked up at each call, so fake timers installed later apply). */
export const REAL_CAPACITY_CLOCK: CapacityClock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => void setTimeout(fn, ms),
};

/**
 * A clock that moves only when told to (tests): `advance(ms)` runs the timers that fall due,
 * in due order, each at its own due time.
 */
export class ManualCapacityClock implements CapacityClock {
  private time = 0;
  private timers: Array<{ at: number; seq: number; fn: () => void }> = [];
  private seq = 0;

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): void {
    this.timers.push({ at: this.time + Math.max(0, ms), seq: this.seq++, fn });
  }

  /** Timers not fired yet. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order (timers they set that fall due fire too). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.time = next.at;
      next.fn();
    }
    this.time = end;
  }
}
