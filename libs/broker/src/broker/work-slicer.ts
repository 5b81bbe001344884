import { setImmediate as nextTurn } from 'node:timers/promises';

/** Units of work (e.g. partitions opened) done between two turns of the event loop, at most. */
export const DEFAULT_UNITS_PER_SLICE = 64;
/** Longest a slice runs before it yields, whatever its unit count (a partition on a slow disk costs milliseconds). */
export const DEFAULT_SLICE_MS = 10;

/**
 * Cuts work proportional to a request into slices: after `unitsPerSlice` units, or once the
 * slice has run `sliceMs`, the caller awaits one turn of the event loop, so other
 * connections are served in between (a 10,000-partition CreateTopics does not hold up an
 * ApiVersions elsewhere). One per request.
 */
export class WorkSlicer {
  private done = 0;
  private sliceStart = performance.now();

  constructor(
    private readonly unitsPerSlice = DEFAULT_UNITS_PER_SLICE,
    private readonly sliceMs = DEFAULT_SLICE_MS,
  ) {}

  /** Counts `units` of work done; yields to the event loop when the slice is full or has run long enough. */
  async tick(units = 1): Promise<void> {
    this.done += units;
    if (this.done < this.unitsPerSlice && performance.now() - this.sliceStart < this.sliceMs) return;
    await nextTurn();
    this.done = 0;
    this.sliceStart = performance.now();
  }
}
