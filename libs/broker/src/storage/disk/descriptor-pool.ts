import * as fs from 'node:fs';

/** Log and index files a process keeps open at most, by default (each partition needs two while active). */
export const DEFAULT_MAX_OPEN_LOG_FILES = 1024;

/**
 * A budget of open file descriptors shared by every segment and index file of the process:
 * files open on first use, and opening one more than the budget closes the least recently
 * used file that no asynchronous sync holds. So ten thousand partitions need not hold twenty
 * thousand descriptors; an idle one holds none. Not thread-safe: one event loop.
 */
export class DescriptorPool {
  /** Open files, least recently used first (a Map keeps insertion order). */
  private readonly open = new Map<PooledFile, true>();
  /** Descriptors held across an asynchronous call (fdatasync): at most half the budget. */
  private pinned = 0;
  private readonly pinWaiters: Array<() => void> = [];

  constructor(private budget: number = DEFAULT_MAX_OPEN_LOG_FILES) {}

  /** Changes the budget; files above it close as others open. */
  setBudget(budget: number): void {
    if (!Number.isInteger(budget) || budget < 2) throw new RangeError(`A descriptor budget must be an integer >= 2, got ${budget}`);
    this.budget = budget;
  }

  /** Files open right now. */
  openCount(): number {
    return this.open.size;
  }

  /** @internal Resolves once one more descriptor may be held across an asynchronous call. */
  reservePin(): Promise<void> | undefined {
    if (this.pinned < this.maxPinned()) {
      this.pinned++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.pinWaiters.push(resolve));
  }

  /** @internal */
  releasePin(): void {
    const next = this.pinWaiters.shift();
    if (next) next();
    else this.pinned--;
  }

  private maxPinned(): number {
    return Math.max(1, Math.floor(this.budget / 2));
  }

  /** @internal Marks `file` most recently used. */
  touch(file: PooledFile): void {
    this.open.delete(file);
    this.open.set(file, true);
  }

  /** @internal Closes least recently used idle files until one more fits in the budget. */
  makeRoom(): void {
    if (this.open.size < this.budget) return;
    for (const file of this.open.keys()) {
      if (this.open.size < this.budget) return;
      if (file.evict()) this.open.delete(file);
    }
  }

  /** @internal */
  forget(file: PooledFile): void {
    this.open.delete(file);
  }
}

/** The pool every disk log of this process shares unless given another. */
export const sharedDescriptorPool = new DescriptorPool();

/**
 * One file opened lazily through a DescriptorPool. fd() opens it (with `flags`, which must not
 * truncate) when it is not open. A pinned file is not closed by the pool: pin around an
 * asynchronous use of the descriptor (fdatasync), since the pool may close it meanwhile.
 */
export class PooledFile {
  private descriptor = -1;
  private pins = 0;
  private closedForGood = false;

  constructor(
    readonly path: string,
    private readonly flags: 'r+' | 'a' | 'r',
    private readonly pool: DescriptorPool = sharedDescriptorPool,
  ) {}

  get isClosed(): boolean {
    return this.closedForGood;
  }

  /** An open descriptor for synchronous use right now. */
  fd(): number {
    if (this.closedForGood) throw new Error(`${this.path} is closed`);
    if (this.descriptor < 0) {
      this.pool.makeRoom();
      this.descriptor = fs.openSync(this.path, this.flags);
    }
    this.pool.touch(this);
    return this.descriptor;
  }

  /**
   * An open descriptor the pool will not close until unpin(). Waits while half the budget is
   * already pinned, so a thousand concurrent syncs stay within the budget.
   */
  async pin(): Promise<number> {
    const wait = this.pool.reservePin();
    if (wait) await wait;
    try {
      const fd = this.fd();
      this.pins++;
      return fd;
    } catch (err) {
      this.pool.releasePin();
      throw err;
    }
  }

  unpin(): void {
    this.pins--;
    this.pool.releasePin();
  }

  /** @internal Called by the pool: closes the descriptor unless pinned; true when closed. */
  evict(): boolean {
    if (this.pins > 0 || this.descriptor < 0) return this.descriptor < 0;
    fs.closeSync(this.descriptor);
    this.descriptor = -1;
    return true;
  }

  /** Closes the file for good (the descriptor now, and no reopening). */
  close(): void {
    if (this.closedForGood) return;
    this.closedForGood = true;
    this.pool.forget(this);
    if (this.descriptor >= 0) fs.closeSync(this.descriptor);
    this.descriptor = -1;
  }
}
