/**
 * Records latencies in milliseconds and answers percentiles, both over the whole run and
 * over the window since the last `takeWindow()`. Keeps every value (a run has at most a few
 * hundred thousand requests). Not thread-safe; single event loop only.
 */
export class LatencyRecorder {
  private readonly all: number[] = [];
  private window: number[] = [];

  record(ms: number): void {
    this.all.push(ms);
    this.window.push(ms);
  }

  /** Every value recorded so far, in order (a live view: do not modify). */
  values(): readonly number[] {
    return this.all;
  }

  get count(): number {
    return this.all.length;
  }

  /** Percentiles of the whole run. */
  percentiles(): LatencyPercentiles {
    return percentilesOf(this.all);
  }

  /** Percentiles of the values recorded since the previous call, then starts a new window. */
  takeWindow(): LatencyPercentiles {
    const values = this.window;
    this.window = [];
    return percentilesOf(values);
  }
}

export interface LatencyPercentiles {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** Nearest-rank percentile of an unsorted list (copied before sorting). */
export function percentilesOf(values: readonly number[]): LatencyPercentiles {
  if (values.length === 0) return { count: 0, p50: null, p90: null, p99: null, max: null };
  const sorted = Float64Array.from(values).sort();
  const at = (p: number): number => round2(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
  return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: round2(sorted[sorted.length - 1]) };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
