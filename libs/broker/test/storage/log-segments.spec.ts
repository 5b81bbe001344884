import { LogSegment } from '../../src/storage/disk/log-segment';
import { LogSegments } from '../../src/storage/disk/log-segments';
import { makeTempDir, removeDir } from './storage-test-helpers';

describe(LogSegments.name, () => {
  let dir: string;
  let segments: LogSegments;

  beforeEach(() => {
    dir = makeTempDir();
    segments = new LogSegments();
    for (const base of [0, 100, 250]) segments.add(LogSegment.create(dir, base, 4096));
  });

  afterEach(() => {
    for (const s of segments.all()) s.close();
    removeDir(dir);
  });

  it('keeps segments ordered with the last one active', () => {
    expect(segments.all().map((s) => s.baseOffset)).toEqual([0, 100, 250]);
    expect(segments.first().baseOffset).toBe(0);
    expect(segments.active().baseOffset).toBe(250);
    expect(segments.count()).toBe(3);
  });

  it('finds the segment whose base is the greatest at or below an offset', () => {
    expect(segments.floor(0)?.baseOffset).toBe(0);
    expect(segments.floor(99)?.baseOffset).toBe(0);
    expect(segments.floor(100)?.baseOffset).toBe(100);
    expect(segments.floor(249)?.baseOffset).toBe(100);
    expect(segments.floor(10_000)?.baseOffset).toBe(250);
    expect(segments.floor(-1)).toBeUndefined();
    expect(segments.higher(100)?.baseOffset).toBe(250);
    expect(segments.higher(250)).toBeUndefined();
  });

  it('refuses a segment that is not after the active one', () => {
    const stray = LogSegment.create(dir, 200, 4096);
    expect(() => segments.add(stray)).toThrow(RangeError);
    stray.close();
  });

  it('removes from the front', () => {
    const removed = segments.removeFirst();
    removed?.close();
    expect(removed?.baseOffset).toBe(0);
    expect(segments.first().baseOffset).toBe(100);
    expect(segments.floor(50)).toBeUndefined();
  });
});
