import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptIndexError, INDEX_ENTRY_BYTES, OffsetIndex } from '../../src/storage/disk/offset-index';
import { makeTempDir, removeDir } from './storage-test-helpers';

describe(OffsetIndex.name, () => {
  let dir: string;
  let file: string;
  const open: OffsetIndex[] = [];
  const track = (index: OffsetIndex): OffsetIndex => {
    open.push(index);
    return index;
  };

  beforeEach(() => {
    dir = makeTempDir();
    file = path.join(dir, '00000000000000000100.index');
  });

  afterEach(() => {
    for (const index of open.splice(0)) index.close();
    removeDir(dir);
  });

  it('answers the segment start when it has no entries', () => {
    const index = track(OffsetIndex.create(file, 100));
    expect(index.lookup(100)).toEqual({ offset: 100, position: 0 });
    expect(index.lookup(5000)).toEqual({ offset: 100, position: 0 });
  });

  it('finds the greatest entry at or below the target', () => {
    const index = track(OffsetIndex.create(file, 100));
    index.append(110, 4096);
    index.append(125, 8200);
    index.append(140, 12400);
    expect(index.lookup(100)).toEqual({ offset: 100, position: 0 });
    expect(index.lookup(109)).toEqual({ offset: 100, position: 0 });
    expect(index.lookup(110)).toEqual({ offset: 110, position: 4096 });
    expect(index.lookup(124)).toEqual({ offset: 110, position: 4096 });
    expect(index.lookup(125)).toEqual({ offset: 125, position: 8200 });
    expect(index.lookup(1_000_000)).toEqual({ offset: 140, position: 12400 });
  });

  it('stays correct past its initial capacity', () => {
    const index = track(OffsetIndex.create(file, 100));
    for (let i = 1; i <= 5000; i++) index.append(100 + i * 3, i * 1000);
    expect(index.entryCount()).toBe(5000);
    for (const target of [101, 103, 104, 2999, 7000, 15100, 20000]) {
      const k = Math.min(5000, Math.floor((target - 100) / 3));
      const expected = k === 0 ? { offset: 100, position: 0 } : { offset: 100 + k * 3, position: k * 1000 };
      expect(index.lookup(target)).toEqual(expected);
    }
  });

  it('refuses entries that are not after the last one', () => {
    const index = track(OffsetIndex.create(file, 100));
    index.append(110, 4096);
    expect(() => index.append(110, 5000)).toThrow(RangeError);
    expect(() => index.append(120, 4096)).toThrow(RangeError);
    expect(() => index.append(99, 8000)).toThrow(RangeError);
  });

  it('persists 8-byte entries (4-byte relative offset, 4-byte position), appending only new ones', () => {
    const index = track(OffsetIndex.create(file, 100));
    index.append(110, 4096);
    expect(fs.statSync(file).size).toBe(0);
    index.persist();
    index.append(125, 8200);
    index.persist();
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBe(2 * INDEX_ENTRY_BYTES);
    expect([bytes.readInt32BE(0), bytes.readInt32BE(4), bytes.readInt32BE(8), bytes.readInt32BE(12)]).toEqual([10, 4096, 25, 8200]);
    const loaded = track(OffsetIndex.load(file, 100, 10_000));
    expect(loaded.entryCount()).toBe(2);
    expect(loaded.lookup(130)).toEqual({ offset: 125, position: 8200 });
  });

  it('rewrites the file after entries are dropped', () => {
    const index = track(OffsetIndex.create(file, 100));
    index.append(110, 4096);
    index.append(125, 8200);
    index.persist();
    index.truncateEntries(1);
    expect(fs.statSync(file).size).toBe(INDEX_ENTRY_BYTES);
    expect(index.lookup(200)).toEqual({ offset: 110, position: 4096 });
  });

  it.each([
    ['a size that is not whole entries', Buffer.alloc(12)],
    ['offsets out of order', entries([20, 100], [10, 200])],
    ['positions out of order', entries([10, 300], [20, 200])],
    ['a position past the log', entries([10, 100], [20, 60_000])],
  ])('rejects an index file with %s', (_what, bytes) => {
    fs.writeFileSync(file, bytes);
    expect(() => OffsetIndex.load(file, 100, 50_000)).toThrow(CorruptIndexError);
  });
});

function entries(...pairs: Array<[number, number]>): Buffer {
  const buf = Buffer.alloc(pairs.length * INDEX_ENTRY_BYTES);
  pairs.forEach(([rel, pos], i) => {
    buf.writeInt32BE(rel, i * INDEX_ENTRY_BYTES);
    buf.writeInt32BE(pos, i * INDEX_ENTRY_BYTES + 4);
  });
  return buf;
}
