/**
 * A one-shot "something changed" signal with a timeout: the runner waits on it while no
 * partition can be fetched, and pause/resume/seek/stop wake it up.
 */
export class Wakeup {
  private waiter: (() => void) | null = null;

  /** Resolves on wake() or after `ms`, whichever comes first. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.waiter === done) self.waiter = null;
        resolve();
      }
      this.waiter = done;
    });
  }

  wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
