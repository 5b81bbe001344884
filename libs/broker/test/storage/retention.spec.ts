import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiskLog } from '../../src/storage/disk/disk-log';
import { OffsetOutOfRangeError } from '../../src/storage/storage.interface';
import { batchOf, makeTempDir, offsetsOf, removeDir, testConfig } from './storage-test-helpers';

const HOUR = 60 * 60 * 1000;

describe(`${DiskLog.name} retention and rolling`, () => {
  let root: string;
  let dir: string;
  let log: DiskLog;
  const one = batchOf(2, { valueBytes: 100 }).length;
  /** Each segment holds exactly one such batch. */
  const perBatch = testConfig({ segmentBytes: one + one / 2 });

  beforeEach(() => {
    root = makeTempDir();
    dir = path.join(root, 'orders-0');
  });

  afterEach(async () => {
    await log.close();
    removeDir(root);
  });

  const logFiles = (): string[] => fs.readdirSync(dir).filter((n) => n.endsWith('.log'));

  it('rolls a new segment when the active one would pass segmentBytes', () => {
    log = DiskLog.open(dir, 'orders', 0, testConfig({ segmentBytes: 3 * one }));
    for (let i = 0; i < 7; i++) log.append(batchOf(2, { valueBytes: 100 }));
    expect(log.segmentCount()).toBe(3);
    expect(logFiles()).toEqual(['00000000000000000000.log', '00000000000000000006.log', '00000000000000000012.log']);
  });

  it('rolls when the first batch of the active segment is older than segmentMs', () => {
    log = DiskLog.open(dir, 'orders', 0, testConfig({ segmentMs: HOUR }));
    log.append(batchOf(1, { timestamp: Date.now() - 2 * HOUR }));
    log.append(batchOf(1));
    log.append(batchOf(1));
    expect(log.segmentCount()).toBe(2);
    expect(logFiles()).toContain('00000000000000000001.log');
  });

  it('deletes the oldest segments while the log is above retentionBytes, never the active one', () => {
    log = DiskLog.open(dir, 'orders', 0, perBatch);
    for (let i = 0; i < 5; i++) log.append(batchOf(2, { valueBytes: 100 }));
    log.updateConfig({ ...perBatch, retentionBytes: 2 * one });
    expect(log.applyRetention(Date.now())).toBe(3);
    expect(log.logStartOffset()).toBe(6);
    expect(log.sizeInBytes()).toBe(2 * one);
    expect(logFiles()).toEqual(['00000000000000000006.log', '00000000000000000008.log']);
    expect(fs.readdirSync(dir).filter((n) => n.includes('.deleted'))).toEqual([]);
    expect(() => log.read(5, 1024)).toThrow(OffsetOutOfRangeError);

    log.updateConfig({ ...perBatch, retentionBytes: 0 });
    expect(log.applyRetention(Date.now())).toBe(1);
    expect(log.segmentCount()).toBe(1);
    expect(offsetsOf(log.read(8, 1 << 20))).toEqual([8, 9]);
  });

  it('deletes segments whose newest batch is past retentionMs, oldest first', () => {
    const now = Date.now();
    log = DiskLog.open(dir, 'orders', 0, { ...perBatch, retentionMs: HOUR });
    log.append(batchOf(2, { valueBytes: 100, timestamp: now - 4 * HOUR }));
    log.append(batchOf(2, { valueBytes: 100, timestamp: now - 3 * HOUR }));
    log.append(batchOf(2, { valueBytes: 100, timestamp: now - 60_000 }));
    log.append(batchOf(2, { valueBytes: 100, timestamp: now - 2 * HOUR }));
    log.append(batchOf(2, { valueBytes: 100, timestamp: now - 5 * HOUR }));
    // Stops at the first segment still inside retention, like Kafka; the active one is kept.
    expect(log.applyRetention(now)).toBe(2);
    expect(log.logStartOffset()).toBe(4);
    expect(log.applyRetention(now + 2 * HOUR)).toBe(2);
    expect(log.segmentCount()).toBe(1);
    expect(log.logStartOffset()).toBe(8);
  });

  it('applies time retention to segments loaded from disk (timestamps read from the files)', async () => {
    const now = Date.now();
    log = DiskLog.open(dir, 'orders', 0, perBatch);
    log.append(batchOf(2, { valueBytes: 100, timestamp: now - 4 * HOUR }));
    log.append(batchOf(2, { valueBytes: 100, timestamp: now }));
    log.append(batchOf(2, { valueBytes: 100, timestamp: now }));
    await log.close();
    log = DiskLog.open(dir, 'orders', 0, { ...perBatch, retentionMs: HOUR });
    expect(log.applyRetention(now)).toBe(1);
    expect(log.logStartOffset()).toBe(2);
    expect(log.offsetForTimestamp(0)).toBe(2);
  });

  it('deletes a segment while a flush is syncing it, and the flush still resolves', async () => {
    log = DiskLog.open(dir, 'orders', 0, perBatch);
    for (let i = 0; i < 4; i++) log.append(batchOf(2, { valueBytes: 100 }));
    const flushed = log.flush();
    log.updateConfig({ ...perBatch, retentionBytes: 0 });
    expect(log.applyRetention(Date.now())).toBe(3);
    await flushed;
    expect(logFiles()).toEqual(['00000000000000000006.log']);
    log.append(batchOf(1));
    await log.flush();
    expect(log.logEndOffset()).toBe(9);
  });
});
