import { decodeRecordBatches, encodeRecordBatch, readBatchHeader, RecordInput } from '@peak/protocol';
import { DEFAULT_LOG_CONFIG, LogConfig } from '../src/storage/log-config';
import { LogStorage, OffsetOutOfRangeError, PartitionLog } from '../src/storage/storage.interface';

/** One storage under test, fresh for each test. */
export interface StorageUnderTest {
  storage: LogStorage;
  /** Closes nothing itself: opens the same place again after storage.close() (durable storages only). */
  reopen?(): LogStorage;
  cleanup(): void;
}

export interface StorageFactory {
  name: string;
  create(): StorageUnderTest;
  /** True when create() returns a reopen(): the suite then also checks data survives reopening. */
  durable?: boolean;
}

const HOUR = 60 * 60 * 1000;

export function batchOf(count: number, options: { timestamp?: number; valueBytes?: number; tag?: string } = {}): Buffer {
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const value = Buffer.alloc(options.valueBytes ?? 16, 97 + (i % 26));
    value.write(`${options.tag ?? 'r'}${i}`);
    records.push({ key: Buffer.from(`k${i}`), value });
  }
  return encodeRecordBatch(records, { timestamp: options.timestamp ?? Date.now() });
}

function offsetsOf(buf: Buffer | null): number[] {
  if (!buf) return [];
  return decodeRecordBatches(buf).flatMap((b) => b.records.map((r) => r.offset));
}

function batchBasesOf(buf: Buffer): number[] {
  return decodeRecordBatches(buf).map((b) => b.baseOffset);
}

/**
 * The behaviour every PartitionLog must have, run once per storage kind
 * (memory-storage.spec.ts, disk-storage.spec.ts).
 */
export function runStorageConformance(factory: StorageFactory): void {
  describe(`${factory.name} storage conformance`, () => {
    let sut: StorageUnderTest;
    let storage: LogStorage;
    const config = (over: Partial<LogConfig> = {}): LogConfig => ({ ...DEFAULT_LOG_CONFIG, retentionMs: -1, ...over });

    beforeEach(() => {
      sut = factory.create();
      storage = sut.storage;
    });

    afterEach(async () => {
      await storage.close();
      sut.cleanup();
    });

    it('starts empty', () => {
      const log = storage.openLog('orders', 0, config());
      expect(log.logStartOffset()).toBe(0);
      expect(log.logEndOffset()).toBe(0);
      expect(log.sizeInBytes()).toBe(0);
      expect(log.read(0, 1024)).toBeNull();
    });

    it('assigns consecutive offsets and rewrites each baseOffset in place', () => {
      const log = storage.openLog('orders', 0, config());
      const first = batchOf(3);
      const second = batchOf(2);
      expect(log.append(first)).toEqual({ baseOffset: 0, lastOffset: 2, logStartOffset: 0 });
      expect(log.append(second)).toEqual({ baseOffset: 3, lastOffset: 4, logStartOffset: 0 });
      expect(readBatchHeader(second).baseOffset).toBe(3);
      expect(log.logEndOffset()).toBe(5);
      expect(log.sizeInBytes()).toBe(first.length + second.length);
      expect(offsetsOf(log.read(0, 1 << 20))).toEqual([0, 1, 2, 3, 4]);
    });

    it('appends a buffer of several concatenated batches', () => {
      const log = storage.openLog('orders', 0, config());
      const parts = [batchOf(2), batchOf(1), batchOf(4)];
      const result = log.append(Buffer.concat(parts));
      expect(result).toEqual({ baseOffset: 0, lastOffset: 6, logStartOffset: 0 });
      const read = log.read(0, 1 << 20);
      expect(read).not.toBeNull();
      expect(batchBasesOf(read!)).toEqual([0, 2, 3]);
      expect(offsetsOf(read)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    });

    it('rejects a buffer that does not end on a batch boundary, leaving the log unchanged', () => {
      const log = storage.openLog('orders', 0, config());
      log.append(batchOf(1));
      const torn = Buffer.concat([batchOf(1), batchOf(2).subarray(0, 30)]);
      expect(() => log.append(torn)).toThrow();
      expect(log.logEndOffset()).toBe(1);
      expect(offsetsOf(log.read(0, 1 << 20))).toEqual([0]);
    });

    it('reads from any offset whole batches starting with the batch that holds it', () => {
      const log = storage.openLog('orders', 0, config({ segmentBytes: 600, indexIntervalBytes: 100 }));
      for (let i = 0; i < 12; i++) log.append(batchOf(1 + (i % 4), { valueBytes: 40 }));
      const leo = log.logEndOffset();
      for (let offset = 0; offset < leo; offset++) {
        const read = log.read(offset, 1 << 20);
        expect(read).not.toBeNull();
        const batches = decodeRecordBatches(read!);
        expect(batches.length).toBeGreaterThan(0);
        const first = batches[0];
        expect(first.baseOffset).toBeLessThanOrEqual(offset);
        expect(first.baseOffset + first.lastOffsetDelta).toBeGreaterThanOrEqual(offset);
        // Whole batches only: the bytes decode exactly, nothing left over.
        expect(batches.reduce((n, b) => n + b.sizeInBytes, 0)).toBe(read!.length);
      }
    });

    it('reads every record exactly once when a consumer follows the log', () => {
      const log = storage.openLog('orders', 0, config({ segmentBytes: 700, indexIntervalBytes: 64 }));
      for (let i = 0; i < 20; i++) log.append(batchOf(1 + (i % 3), { valueBytes: 30 }));
      const seen: number[] = [];
      let next = 0;
      for (;;) {
        const read = log.read(next, 300);
        if (!read) break;
        const offsets = offsetsOf(read).filter((o) => o >= next);
        seen.push(...offsets);
        next = offsets[offsets.length - 1] + 1;
      }
      expect(seen).toEqual(Array.from({ length: log.logEndOffset() }, (_, i) => i));
    });

    it('respects maxBytes but always returns at least one whole batch', () => {
      const log = storage.openLog('orders', 0, config());
      const sizes = [batchOf(2), batchOf(2), batchOf(2)].map((b) => {
        log.append(b);
        return b.length;
      });
      expect(log.read(0, 1)!.length).toBe(sizes[0]);
      expect(log.read(0, sizes[0] + sizes[1])!.length).toBe(sizes[0] + sizes[1]);
      expect(log.read(0, sizes[0] + sizes[1] - 1)!.length).toBe(sizes[0]);
      expect(offsetsOf(log.read(3, 0))).toEqual([2, 3]);
    });

    it('returns null at the log end offset and throws OffsetOutOfRangeError outside the log', () => {
      const log = storage.openLog('orders', 0, config());
      log.append(batchOf(3));
      expect(log.read(3, 1024)).toBeNull();
      expect(() => log.read(4, 1024)).toThrow(OffsetOutOfRangeError);
      expect(() => log.read(-1, 1024)).toThrow(OffsetOutOfRangeError);
    });

    it('finds the first offset at or after a timestamp, down to the record', () => {
      const log = storage.openLog('orders', 0, config());
      const base = 1_700_000_000_000;
      log.append(batchOf(2, { timestamp: base }));
      log.append(
        encodeRecordBatch([
          { value: Buffer.from('a'), timestamp: base + 100 },
          { value: Buffer.from('b'), timestamp: base + 200 },
          { value: Buffer.from('c'), timestamp: base + 300 },
        ]),
      );
      log.append(batchOf(1, { timestamp: base + 1000 }));
      expect(log.offsetForTimestamp(0)).toBe(0);
      expect(log.offsetForTimestamp(base)).toBe(0);
      expect(log.offsetForTimestamp(base + 1)).toBe(2);
      expect(log.offsetForTimestamp(base + 150)).toBe(3);
      expect(log.offsetForTimestamp(base + 300)).toBe(4);
      expect(log.offsetForTimestamp(base + 301)).toBe(5);
      expect(log.offsetForTimestamp(base + 1001)).toBeNull();
    });

    it('deletes the oldest data by size, moving logStartOffset up, never the newest', () => {
      const one = batchOf(2, { valueBytes: 100 }).length;
      const log = storage.openLog('orders', 0, config({ segmentBytes: one + one / 2 }));
      for (let i = 0; i < 6; i++) log.append(batchOf(2, { valueBytes: 100 }));
      expect(log.applyRetention(Date.now())).toBe(0);
      log.updateConfig(config({ segmentBytes: one + one / 2, retentionBytes: 2 * one }));
      const deleted = log.applyRetention(Date.now());
      expect(deleted).toBeGreaterThan(0);
      expect(log.sizeInBytes()).toBeLessThanOrEqual(2 * one);
      expect(log.sizeInBytes()).toBeGreaterThan(0);
      expect(log.logStartOffset()).toBe(12 - (log.sizeInBytes() / one) * 2);
      expect(log.logEndOffset()).toBe(12);
      expect(() => log.read(0, 1024)).toThrow(OffsetOutOfRangeError);
      expect(offsetsOf(log.read(log.logStartOffset(), 1 << 20))[0]).toBe(log.logStartOffset());
      expect(log.append(batchOf(1)).logStartOffset).toBe(log.logStartOffset());

      log.updateConfig(config({ segmentBytes: one + one / 2, retentionBytes: 0 }));
      log.applyRetention(Date.now());
      expect(log.logEndOffset()).toBe(13);
      expect(offsetsOf(log.read(log.logStartOffset(), 1 << 20))).toContain(12);
    });

    it('deletes data whose newest timestamp is older than retentionMs', () => {
      const now = Date.now();
      const one = batchOf(2, { valueBytes: 100 }).length;
      const log = storage.openLog('orders', 0, config({ segmentBytes: one + one / 2, retentionMs: HOUR }));
      log.append(batchOf(2, { valueBytes: 100, timestamp: now - 5 * HOUR }));
      log.append(batchOf(2, { valueBytes: 100, timestamp: now - 3 * HOUR }));
      log.append(batchOf(2, { valueBytes: 100, timestamp: now - 1000 }));
      log.append(batchOf(2, { valueBytes: 100, timestamp: now }));
      expect(log.applyRetention(now)).toBeGreaterThanOrEqual(2);
      expect(log.logStartOffset()).toBe(4);
      expect(offsetsOf(log.read(4, 1 << 20))[0]).toBe(4);
      expect(log.offsetForTimestamp(0)).toBe(4);
      expect(log.applyRetention(now)).toBe(0);
    });

    it('resolves flush, also for many concurrent callers', async () => {
      const log = storage.openLog('orders', 0, config());
      log.append(batchOf(3));
      await log.flush();
      const flushes: Promise<void>[] = [];
      for (let i = 0; i < 16; i++) {
        log.append(batchOf(1));
        flushes.push(log.flush());
      }
      await Promise.all(flushes);
      expect(log.logEndOffset()).toBe(19);
    });

    it('keeps logs apart by topic and partition, including topic names with dashes and dots', () => {
      const a = storage.openLog('pay-ments.v2', 0, config());
      const b = storage.openLog('pay-ments.v2', 1, config());
      const c = storage.openLog('pay', 0, config());
      a.append(batchOf(3));
      b.append(batchOf(1));
      expect(a.logEndOffset()).toBe(3);
      expect(b.logEndOffset()).toBe(1);
      expect(c.logEndOffset()).toBe(0);
      expect(storage.openLog('pay-ments.v2', 0, config())).toBe(a);
      expect(storage.existingLogs()).toEqual(
        expect.arrayContaining([
          { topic: 'pay-ments.v2', partition: 0 },
          { topic: 'pay-ments.v2', partition: 1 },
        ]),
      );
    });

    it('delete() removes the log', async () => {
      const log = storage.openLog('gone', 0, config());
      log.append(batchOf(3));
      await log.delete();
      const again = storage.openLog('gone', 0, config());
      expect(again.logEndOffset()).toBe(0);
    });

    const itWhenDurable = factory.durable ? it : () => undefined;
    itWhenDurable('keeps its data across close and reopen', async () => {
      if (!sut.reopen) throw new Error(`${factory.name} says it is durable but has no reopen()`);
      const one = batchOf(2, { valueBytes: 50 }).length;
      const cfg = config({ segmentBytes: 3 * one, indexIntervalBytes: 64 });
      const log = storage.openLog('pay-ments.v2', 3, cfg);
      for (let i = 0; i < 10; i++) log.append(batchOf(2, { valueBytes: 50, tag: `b${i}` }));
      const before = log.read(0, 1 << 20);
      const segments = log.segmentCount();
      await storage.close();

      storage = sut.reopen();
      expect(storage.existingLogs()).toEqual([{ topic: 'pay-ments.v2', partition: 3 }]);
      const reopened = storage.openLog('pay-ments.v2', 3, cfg);
      expect(reopened.logEndOffset()).toBe(20);
      expect(reopened.segmentCount()).toBe(segments);
      expect(reopened.read(0, 1 << 20)).toEqual(before);
      expect(reopened.append(batchOf(1))).toEqual({ baseOffset: 20, lastOffset: 20, logStartOffset: 0 });
      expect(offsetsOf(reopened.read(18, 1 << 20))).toEqual([18, 19, 20]);
    });
  });
}
