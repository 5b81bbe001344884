import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskOffsetStore, OFFSETS_FILE_NAME } from './disk-offset-store';
import { encodeOffsetRecord } from './offset-record.codec';
import { describeOffsetStoreConformance } from './offset-store.conformance';
import { OffsetCommitEntry } from './offset-store.interface';

const entry = (topic: string, partition: number, offset: number): OffsetCommitEntry => ({
  topic,
  partition,
  offset,
  metadata: `m${offset}`,
  commitTimestampMs: 1_700_000_000_000,
});

let conformanceDir = '';
describeOffsetStoreConformance(
  'DiskOffsetStore',
  async () => {
    if (!conformanceDir) conformanceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offsets-conf-'));
    return DiskOffsetStore.open(conformanceDir);
  },
  async () => {
    fs.rmSync(conformanceDir, { recursive: true, force: true });
    conformanceDir = '';
  },
);

describe(DiskOffsetStore.name, () => {
  let dir: string;
  let store: DiskOffsetStore | undefined;
  const file = () => path.join(dir, OFFSETS_FILE_NAME);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offsets-'));
  });

  afterEach(async () => {
    await store?.close();
    store = undefined;
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps commits and deletions across close and open', async () => {
    store = await DiskOffsetStore.open(dir);
    await store.commit('g1', [entry('t', 0, 10), entry('t', 1, 11)]);
    await store.commit('g2', [entry('gone', 0, 1), entry('t', 0, 20)]);
    await store.deleteTopic('gone');
    await store.commit('g3', [entry('t', 0, 30)]);
    await store.deleteGroup('g3');
    await store.close();

    store = await DiskOffsetStore.open(dir);
    expect(store.groupIds().sort()).toEqual(['g1', 'g2']);
    expect(store.list('g1')).toEqual([
      { topic: 't', partition: 0, offset: 10, metadata: 'm10', commitTimestampMs: 1_700_000_000_000 },
      { topic: 't', partition: 1, offset: 11, metadata: 'm11', commitTimestampMs: 1_700_000_000_000 },
    ]);
    expect(store.list('g2').map(e => e.topic)).toEqual(['t']);
  });

  it('is durable when commit resolves: the record is in the file', async () => {
    store = await DiskOffsetStore.open(dir);
    await store.commit('g', [entry('t', 0, 7)]);
    expect(fs.readFileSync(file())).toEqual(encodeOffsetRecord({ type: 'commit', groupId: 'g', ...entry('t', 0, 7) }));
  });

  it('shows a commit (and a deletion) to readers only once it is synced', async () => {
    store = await DiskOffsetStore.open(dir);
    await store.commit('g', [entry('t', 0, 1)]);
    const syncing = store.commit('g', [entry('t', 0, 2)]);
    const deleting = store.deleteGroup('g');
    expect(store.get('g', 't', 0)?.offset).toBe(1);
    expect(store.groupIds()).toEqual(['g']);
    await syncing;
    await deleting;
    expect(store.get('g', 't', 0)).toBeUndefined();
  });

  it('never shows a commit whose write failed', async () => {
    store = await DiskOffsetStore.open(dir);
    const handle = (store as unknown as { handle: { datasync(): Promise<void> } }).handle;
    jest.spyOn(handle, 'datasync').mockRejectedValueOnce(Object.assign(new Error('EIO'), { code: 'EIO' }));
    await expect(store.commit('g', [entry('t', 0, 9)])).rejects.toThrow();
    expect(store.get('g', 't', 0)).toBeUndefined();
  });

  it('ignores and truncates a torn tail, then appends after the valid prefix', async () => {
    store = await DiskOffsetStore.open(dir);
    await store.commit('g', [entry('t', 0, 1)]);
    await store.close();
    const valid = fs.statSync(file()).size;
    const torn = encodeOffsetRecord({ type: 'commit', groupId: 'g', ...entry('t', 0, 2) }).subarray(0, 13);
    fs.appendFileSync(file(), torn);

    store = await DiskOffsetStore.open(dir);
    expect(store.get('g', 't', 0)?.offset).toBe(1);
    expect(fs.statSync(file()).size).toBe(valid);
    await store.commit('g', [entry('t', 0, 3)]);
    await store.close();

    store = await DiskOffsetStore.open(dir);
    expect(store.get('g', 't', 0)?.offset).toBe(3);
  });

  it('stops replay at a corrupt record', async () => {
    store = await DiskOffsetStore.open(dir);
    await store.commit('g', [entry('t', 0, 1)]);
    await store.commit('g', [entry('t', 0, 2)]);
    await store.close();
    const data = fs.readFileSync(file());
    data[data.length - 3] ^= 0x55;
    fs.writeFileSync(file(), data);

    store = await DiskOffsetStore.open(dir);
    expect(store.get('g', 't', 0)?.offset).toBe(1);
  });

  it('shares one fdatasync among concurrent commits (group commit)', async () => {
    store = await DiskOffsetStore.open(dir);
    const probe = await fsp.open(path.join(dir, 'probe'), 'w');
    const datasync = jest.spyOn(Object.getPrototypeOf(probe) as { datasync(): Promise<void> }, 'datasync');
    await probe.close();

    await Promise.all(Array.from({ length: 100 }, (_, i) => store!.commit('g', [entry('t', i, i)])));
    expect(store.list('g')).toHaveLength(100);
    // The first commit starts a sync; the other 99 share the next one.
    expect(datasync.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('compacts on open when the log has grown well beyond the live set', async () => {
    store = await DiskOffsetStore.open(dir, { compactMinBytes: Number.MAX_SAFE_INTEGER });
    for (let i = 0; i < 200; i++) await store.commit('g', [entry('t', i % 2, i)]);
    await store.close();
    const before = fs.statSync(file()).size;

    store = await DiskOffsetStore.open(dir, { compactMinBytes: 1024, compactRatio: 4 });
    const after = fs.statSync(file()).size;
    expect(after).toBeLessThan(before / 50);
    expect(store.sizeInBytes()).toBe(after);
    expect(store.list('g').map(e => e.offset)).toEqual([198, 199]);
    expect(fs.existsSync(file() + '.compact')).toBe(false);
    await store.close();

    store = await DiskOffsetStore.open(dir);
    expect(store.list('g').map(e => e.offset)).toEqual([198, 199]);
  });

  it('compacts while running and keeps accepting commits', async () => {
    store = await DiskOffsetStore.open(dir, { compactMinBytes: 2048, compactRatio: 4 });
    const recordBytes = encodeOffsetRecord({ type: 'commit', groupId: 'g', ...entry('t', 0, 100) }).length;
    for (let i = 100; i < 600; i++) await store.commit('g', [entry('t', i % 3, i)]);
    // 500 records were written; compaction keeps the file near the 3 live ones.
    expect(store.sizeInBytes()).toBeLessThan(2048 + 3 * recordBytes);
    await store.close();

    store = await DiskOffsetStore.open(dir);
    expect(store.list('g').map(e => e.offset)).toEqual([597, 598, 599]);
  });

  it('does not compact a log that is mostly live', async () => {
    store = await DiskOffsetStore.open(dir, { compactMinBytes: 1024, compactRatio: 4 });
    for (let i = 0; i < 100; i++) await store.commit('g', [entry('t', i, i)]);
    const size = store.sizeInBytes();
    await store.close();
    store = await DiskOffsetStore.open(dir, { compactMinBytes: 1024, compactRatio: 4 });
    expect(store.sizeInBytes()).toBe(size);
  });

  it('removes a leftover compaction side file on open', async () => {
    fs.writeFileSync(file() + '.compact', 'half-written');
    store = await DiskOffsetStore.open(dir);
    expect(fs.existsSync(file() + '.compact')).toBe(false);
  });
});
