import { LogSegment } from './log-segment';

/**
 * The segments of one log ordered by base offset (Kafka's LogSegments): floor lookup by
 * offset, and the last one is the active segment that takes appends. Segments are added
 * only at the end and removed only from the front. Not thread-safe.
 */
export class LogSegments {
  private readonly segments: LogSegment[] = [];

  /** Adds a segment after all others; its base must be higher than the last one's. */
  add(segment: LogSegment): void {
    const last = this.segments[this.segments.length - 1];
    if (last && segment.baseOffset <= last.baseOffset) {
      throw new RangeError(`Segment ${segment.baseOffset} is not after ${last.baseOffset}`);
    }
    this.segments.push(segment);
  }

  /** Removes and returns the oldest segment. */
  removeFirst(): LogSegment | undefined {
    return this.segments.shift();
  }

  count(): number {
    return this.segments.length;
  }

  isEmpty(): boolean {
    return this.segments.length === 0;
  }

  first(): LogSegment {
    if (this.segments.length === 0) throw new RangeError('The log has no segments');
    return this.segments[0];
  }

  /** The active segment: the one with the highest base offset. */
  active(): LogSegment {
    if (this.segments.length === 0) throw new RangeError('The log has no segments');
    return this.segments[this.segments.length - 1];
  }

  /** The segment with the greatest base offset <= `offset`, or undefined (binary search). */
  floor(offset: number): LogSegment | undefined {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found: LogSegment | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid].baseOffset <= offset) {
        found = this.segments[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The segment right after the one based at `baseOffset`, or undefined. */
  higher(baseOffset: number): LogSegment | undefined {
    return this.segments.find((s) => s.baseOffset > baseOffset);
  }

  /** All segments, oldest first (a copy). */
  all(): LogSegment[] {
    return [...this.segments];
  }
}
