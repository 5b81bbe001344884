import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiskLog } from '../../src/storage/disk/disk-log';
import { FlushScheduler } from '../../src/storage/disk/flush-scheduler';
import { batchOf, makeTempDir, removeDir, testConfig } from './storage-test-helpers';

/** A sync whose completion the test controls. */
class ManualSync {
  readonly started: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  readonly sync = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      this.started.push({ resolve, reject });
    });

  /** Waits until `n` syncs have started (the scheduler starts them on a microtask). */
  async startedCount(n: number): Promise<void> {
    for (let i = 0; i < 100 && this.started.length < n; i++) await Promise.resolve();
    expect(this.started.length).toBe(n);
  }
}

describe(FlushScheduler.name, () => {
  it('runs one sync for the first caller and one shared sync for everyone who came while it ran', async () => {
    const manual = new ManualSync();
    const scheduler = new FlushScheduler(manual.sync);
    const done: number[] = [];
    const first = scheduler.request().then(() => done.push(0));
    await manual.startedCount(1);
    const later = Array.from({ length: 63 }, (_, i) => scheduler.request().then(() => done.push(i + 1)));

    manual.started[0].resolve();
    await first;
    // The later callers wrote before a sync that had already started: they wait for the next.
    expect(done).toEqual([0]);
    await manual.startedCount(2);
    manual.started[1].resolve();
    await Promise.all(later);
    expect(done.length).toBe(64);
    expect(scheduler.syncCount()).toBe(2);
    expect(scheduler.requestCount()).toBe(64);
  });

  it('lets callers in the same tick as the first share its sync', async () => {
    const manual = new ManualSync();
    const scheduler = new FlushScheduler(manual.sync);
    const all = Array.from({ length: 64 }, () => scheduler.request());
    await manual.startedCount(1);
    manual.started[0].resolve();
    await Promise.all(all);
    expect(scheduler.syncCount()).toBe(1);
  });

  it('passes a failed sync to its callers and starts afresh for the next caller', async () => {
    const manual = new ManualSync();
    const scheduler = new FlushScheduler(manual.sync);
    const failing = scheduler.request();
    await manual.startedCount(1);
    manual.started[0].reject(new Error('EIO'));
    await expect(failing).rejects.toThrow('EIO');
    const next = scheduler.request();
    await manual.startedCount(2);
    manual.started[1].resolve();
    await expect(next).resolves.toBeUndefined();
  });

  it('idle() waits for the running and the queued sync', async () => {
    const manual = new ManualSync();
    const scheduler = new FlushScheduler(manual.sync);
    void scheduler.request();
    await manual.startedCount(1);
    void scheduler.request();
    let idle = false;
    const waiting = scheduler.idle().then(() => (idle = true));
    manual.started[0].resolve();
    await manual.startedCount(2);
    expect(idle).toBe(false);
    manual.started[1].resolve();
    await waiting;
    expect(idle).toBe(true);
  });
});

describe(`${DiskLog.name} flush`, () => {
  let root: string;
  let log: DiskLog;

  beforeEach(() => {
    root = makeTempDir();
  });

  afterEach(async () => {
    await log.close();
    removeDir(root);
  });

  it('coalesces 64 concurrent flushes after appends into a few fdatasyncs', async () => {
    log = DiskLog.open(path.join(root, 'orders-0'), 'orders', 0, testConfig());
    const flushes: Promise<void>[] = [];
    for (let i = 0; i < 64; i++) {
      log.append(batchOf(10));
      flushes.push(log.flush());
    }
    await Promise.all(flushes);
    expect(log.syncCount()).toBe(1);

    // Producers that each append and wait for their flush, many at once: syncs stay far below calls.
    let calls = 0;
    const producer = async (): Promise<void> => {
      for (let i = 0; i < 20; i++) {
        log.append(batchOf(10));
        calls++;
        await log.flush();
      }
    };
    await Promise.all(Array.from({ length: 64 }, producer));
    expect(calls).toBe(1280);
    expect(log.syncCount()).toBeLessThan(calls / 10);
  });

  it('syncs a rolled segment (log and index) before a flush resolves', async () => {
    const one = batchOf(2, { valueBytes: 100 }).length;
    const dir = path.join(root, 'orders-0');
    log = DiskLog.open(dir, 'orders', 0, testConfig({ segmentBytes: 4 * one, indexIntervalBytes: 100 }));
    const recoveryPoint = (): string | null => (fs.existsSync(path.join(dir, 'recovery-point')) ? fs.readFileSync(path.join(dir, 'recovery-point'), 'utf8') : null);
    for (let i = 0; i < 5; i++) log.append(batchOf(2, { valueBytes: 100 }));
    expect(log.segmentCount()).toBe(2);
    expect(recoveryPoint()).toBeNull();
    await log.flush();
    // The recovery point moves to the new segment's base only once the rolled segment's log
    // and index files are fdatasynced, in the same sync the flush waited for.
    expect(recoveryPoint()).toBe('8');
  });
});
