import * as fs from 'node:fs';
import { decodeRecordBatches, encodeRecordBatch, readBatchHeader } from '@peak/protocol';
import { LogSegment } from '../../src/storage/disk/log-segment';
import { batchOf, makeTempDir, offsetsOf, removeDir } from './storage-test-helpers';

describe(LogSegment.name, () => {
  let dir: string;
  let segment: LogSegment;

  beforeEach(() => {
    dir = makeTempDir();
    segment = LogSegment.create(dir, 1000, 256);
  });

  afterEach(() => {
    segment.close();
    removeDir(dir);
  });

  it('appends with one write: the file holds the batches with their assigned offsets', () => {
    const a = batchOf(3);
    const b = batchOf(2);
    expect(segment.append(a)).toEqual({ baseOffset: 1000, lastOffset: 1002 });
    expect(segment.append(b)).toEqual({ baseOffset: 1003, lastOffset: 1004 });
    expect(segment.nextOffset()).toBe(1005);
    expect(segment.sizeInBytes()).toBe(a.length + b.length);
    const file = fs.readFileSync(segment.logFile);
    expect(file).toEqual(Buffer.concat([a, b]));
    expect(readBatchHeader(file, a.length).baseOffset).toBe(1003);
  });

  it('adds about one index entry per indexIntervalBytes of log', () => {
    for (let i = 0; i < 50; i++) segment.append(batchOf(1, { valueBytes: 60 }));
    const size = segment.sizeInBytes();
    const batch = size / 50;
    const expected = Math.floor(size / (256 + batch));
    expect(segment.index.entryCount()).toBeGreaterThanOrEqual(expected);
    expect(segment.index.entryCount()).toBeLessThanOrEqual(Math.ceil(size / 256));
  });

  it('reads from any offset, starting at the batch that holds it', () => {
    for (let i = 0; i < 40; i++) segment.append(batchOf(1 + (i % 3), { valueBytes: 50 }));
    for (let offset = 1000; offset < segment.nextOffset(); offset++) {
      const read = segment.read(offset, 500);
      const batches = decodeRecordBatches(read!);
      expect(batches[0].baseOffset).toBeLessThanOrEqual(offset);
      expect(batches[0].baseOffset + batches[0].lastOffsetDelta).toBeGreaterThanOrEqual(offset);
      expect(batches.reduce((n, b) => n + b.sizeInBytes, 0)).toBe(read!.length);
      expect(read!.length <= 500 || batches.length === 1).toBe(true);
    }
    expect(segment.read(segment.nextOffset(), 500)).toBeNull();
  });

  it('returns a whole batch larger than maxBytes and the read window', () => {
    segment.append(batchOf(1));
    const big = batchOf(3, { valueBytes: 40_000 });
    segment.append(big);
    segment.append(batchOf(1));
    const read = segment.read(1002, 10);
    expect(read!.length).toBe(big.length);
    expect(offsetsOf(read)).toEqual([1001, 1002, 1003]);
  });

  it('tracks the newest timestamp and the first batch timestamp', () => {
    segment.append(batchOf(1, { timestamp: 5000 }));
    segment.append(batchOf(1, { timestamp: 9000 }));
    segment.append(batchOf(1, { timestamp: 7000 }));
    expect(segment.maxTimestamp()).toBe(9000);
    expect(segment.firstBatchTimestamp()).toBe(5000);
  });

  it('finds offsets by timestamp within a batch', () => {
    segment.append(batchOf(2, { timestamp: 100 }));
    segment.append(
      encodeRecordBatch([
        { value: Buffer.from('x'), timestamp: 200 },
        { value: Buffer.from('y'), timestamp: 300 },
      ]),
    );
    expect(segment.findOffsetByTimestamp(50)).toBe(1000);
    expect(segment.findOffsetByTimestamp(250)).toBe(1003);
    expect(segment.findOffsetByTimestamp(301)).toBeNull();
  });

  it('recover() cuts a corrupt tail and rebuilds the index from the valid batches', () => {
    for (let i = 0; i < 20; i++) segment.append(batchOf(2, { valueBytes: 40 }));
    const good = segment.sizeInBytes();
    fs.appendFileSync(segment.logFile, Buffer.alloc(100, 0xab));
    const result = segment.recover();
    expect(result.validBytes).toBe(good);
    expect(result.nextOffset).toBe(1040);
    expect(result.stopReason).not.toBeNull();
    expect(fs.statSync(segment.logFile).size).toBe(good);
    expect(segment.index.entryCount()).toBeGreaterThan(0);
    expect(offsetsOf(segment.read(1033, 1 << 20))[0]).toBe(1032);
  });
});
