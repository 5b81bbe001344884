/** What to do when a request's turn comes to be answered. */
export type ResponseOutcome =
  | { kind: 'send'; chunks: Buffer[] }
  | { kind: 'none' }
  | { kind: 'close'; reason: string };

interface Slot {
  outcome: ResponseOutcome | null;
}

/**
 * Keeps responses in request order: each request takes a slot when it arrives, the slot is
 * filled whenever its handler finishes, and `drain` hands out filled slots only from the
 * head, so a long-polling Fetch holds back the answers behind it, as Kafka guarantees.
 * Single-threaded use only (one per connection).
 */
export class ResponseQueue {
  private readonly slots: Slot[] = [];
  private head = 0;

  /** Outstanding requests (taken slots not yet drained). */
  get size(): number {
    return this.slots.length - this.head;
  }

  /** Reserves the next position; call `fill` on the result when the outcome is known. */
  take(): { fill(outcome: ResponseOutcome): void } {
    const slot: Slot = { outcome: null };
    this.slots.push(slot);
    return {
      fill: (outcome) => {
        slot.outcome = outcome;
      },
    };
  }

  /** Removes and returns the filled outcomes at the head, in order. */
  drain(): ResponseOutcome[] {
    const ready: ResponseOutcome[] = [];
    while (this.head < this.slots.length) {
      const outcome = this.slots[this.head].outcome;
      if (outcome === null) break;
      ready.push(outcome);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots.splice(0, this.head);
      this.head = 0;
    }
    return ready;
  }
}
