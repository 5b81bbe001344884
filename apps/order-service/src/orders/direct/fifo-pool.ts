/**
 * A FIFO pool of `size` slots (like an HTTP client's connection pool). acquire() waits in
 * line; a caller whose deadline passes while waiting leaves the line without a slot.
 * Single event loop; not shared across processes.
 */
export class FifoPool {
  private active = 0;
  private readonly line: Array<{ grant: () => void; abandoned: boolean }> = [];

  constructor(private readonly size: number) {}

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.line.length;
  }

  /** Resolves true with a slot (release it), or false when `deadlineAt` (performance.now()) passed first. */
  acquire(deadlineAt: number): Promise<boolean> {
    if (this.active < this.size) {
      this.active += 1;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const entry = { grant: () => undefined as void, abandoned: false };
      const timer = setTimeout(() => {
        entry.abandoned = true;
        resolve(false);
      }, Math.max(0, deadlineAt - performance.now()));
      entry.grant = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.line.push(entry);
    });
  }

  release(): void {
    while (this.line.length > 0) {
      const next = this.line.shift()!;
      if (next.abandoned) continue;
      next.grant();
      return;
    }
    this.active -= 1;
  }
}
