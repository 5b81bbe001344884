import { setImmediate as nextTurn } from 'node:timers/promises';

/** Units of work (e.g. partitions opened) done between two turns of the event loop. */
export const DEFAULT_UNITS_PER_SLICE = 64;

/**
 * Cuts work proportional to a request into slices: after every `unitsPerSlice` units the
 * caller awaits one turn of the event loop, so other connections are served in between
 * (a 10,000-partition CreateTopics does not hold up an ApiVersions elsewhere). One per request.
 */
export class WorkSlicer {
  private done = 0;

  constructor(private readonly unitsPerSlice = DEFAULT_UNITS_PER_SLICE) {}

  /** Counts `units` of work done; yields to the event loop when a slice is full. */
  async tick(units = 1): Promise<void> {
    this.done += units;
    if (this.done < this.unitsPerSlice) return;
    this.done = 0;
    await nextTurn();
  }
}
