import type { BurstShape } from '../options';

/** Number of surges of the `waves` shape. */
export const WAVE_COUNT = 3;
/** Exponent of the spike's decay: rate ∝ (1 − x)^SPIKE_DECAY_POWER over the burst (1: the opening rate is twice the average and falls linearly). */
export const SPIKE_DECAY_POWER = 1;

/**
 * Cumulative share of the orders sent by fraction `x` (0..1) of the burst, for each shape.
 * Each is the integral of the shape's rate curve, normalised to end at 1.
 */
export function cumulativeShare(shape: BurstShape, x: number): number {
  const t = Math.min(1, Math.max(0, x));
  switch (shape) {
    case 'steady':
      return t;
    case 'ramp':
      return t * t;
    case 'spike':
      return 1 - Math.pow(1 - t, SPIKE_DECAY_POWER + 1);
    case 'waves': {
      const k = 2 * Math.PI * WAVE_COUNT;
      return t - Math.sin(k * t) / k;
    }
  }
}

/** Inverse of cumulativeShare by bisection (every shape's share is monotone). */
function inverseShare(shape: BurstShape, share: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (cumulativeShare(shape, mid) < share) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Send times, in milliseconds from the start of the burst, of `count` orders spread over
 * `durationMs` with the given shape. Sorted ascending; the first is at or near 0.
 */
export function sendSchedule(shape: BurstShape, count: number, durationMs: number): Float64Array {
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    times[i] = inverseShare(shape, (i + 0.5) / count) * durationMs;
  }
  return times;
}
