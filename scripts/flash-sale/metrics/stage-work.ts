/**
 * How fast a stage actually worked, from when items reached it and when it finished them.
 * Pure functions.
 */

/** Items counted in one time bucket: `t` is the bucket's start, seconds since the burst started. */
export interface Bucket {
  t: number;
  n: number;
}

/** Cumulative counts of one stage at a moment (seconds since the burst started). */
export interface StagePoint {
  t: number;
  /** Items that had reached the stage. */
  arrived: number;
  /** Items the stage had finished. */
  done: number;
}

export interface StageWork {
  /** Items finished per second over the time the stage had a backlog (null: it never had one while working). */
  perSec: number | null;
  /** Seconds counted: the stage had something waiting at the start of each. */
  busySeconds: number;
  /** Items finished in those seconds. */
  items: number;
  /** When the stage finished its first item (seconds since the burst started). */
  firstDoneAt: number | null;
  /** When it finished its last item. */
  lastDoneAt: number | null;
}

/**
 * Turns arrival and completion buckets (both `bucketSeconds` wide) into cumulative points,
 * one at the end of every bucket from the earliest to the latest.
 */
export function pointsFromBuckets(arrived: readonly Bucket[], done: readonly Bucket[], bucketSeconds: number): StagePoint[] {
  const key = (t: number): number => Math.round(t / bucketSeconds);
  const all = [...arrived, ...done];
  if (all.length === 0) return [];
  const first = Math.min(...all.map((b) => key(b.t)));
  const last = Math.max(...all.map((b) => key(b.t)));
  const arrivedAt = new Map<number, number>();
  const doneAt = new Map<number, number>();
  for (const b of arrived) arrivedAt.set(key(b.t), (arrivedAt.get(key(b.t)) ?? 0) + b.n);
  for (const b of done) doneAt.set(key(b.t), (doneAt.get(key(b.t)) ?? 0) + b.n);
  const points: StagePoint[] = [{ t: round3(first * bucketSeconds), arrived: 0, done: 0 }];
  let a = 0;
  let d = 0;
  for (let k = first; k <= last; k++) {
    a += arrivedAt.get(k) ?? 0;
    d += doneAt.get(k) ?? 0;
    points.push({ t: round3((k + 1) * bucketSeconds), arrived: a, done: d });
  }
  return points;
}

/**
 * The stage's own pace while work waited for it: over every interval between two points
 * that starts with a backlog (arrived − done ≥ 1) and comes after its first finished item,
 * finished items ÷ seconds. Intervals without a backlog (nothing to do) and the start-up
 * before its first item (the time items take to travel to it) do not count, so a stage that
 * was starved by the stage before it is not mistaken for a slow one.
 */
export function workWhileBacklogged(points: readonly StagePoint[]): StageWork {
  let busy = 0;
  let items = 0;
  let firstDoneAt: number | null = null;
  let lastDoneAt: number | null = null;
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1];
    const cur = points[i];
    const finished = Math.max(0, cur.done - prev.done);
    if (finished > 0) {
      firstDoneAt ??= cur.t;
      lastDoneAt = cur.t;
    }
    const started = prev.done > 0;
    if (started && prev.arrived - prev.done >= 1) {
      busy += cur.t - prev.t;
      items += finished;
    }
  }
  return {
    perSec: busy > 0 ? Math.round(items / busy) : null,
    busySeconds: round3(busy),
    items,
    firstDoneAt,
    lastDoneAt,
  };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
