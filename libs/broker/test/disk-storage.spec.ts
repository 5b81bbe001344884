import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_LOG_CONFIG, DiskLogStorage } from '../src/storage';
import { batchOf, runStorageConformance } from './storage-conformance';

runStorageConformance({
  name: 'disk',
  durable: true,
  create: () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peak-disk-storage-'));
    return {
      storage: new DiskLogStorage(dir),
      reopen: () => new DiskLogStorage(dir),
      cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  },
});

describe(`${DiskLogStorage.name} directory layout`, () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peak-disk-storage-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds existing logs by <topic>-<partition>, splitting on the last dash', () => {
    for (const name of ['orders-0', 'pay-ments.v2-12', 'not-a-log', 'x-1.2', 'old-3.1700000000000.deleted']) {
      fs.mkdirSync(path.join(dir, name));
    }
    fs.writeFileSync(path.join(dir, 'stray-7'), '');
    const storage = new DiskLogStorage(dir);
    expect(storage.existingLogs()).toEqual(
      expect.arrayContaining([
        { topic: 'orders', partition: 0 },
        { topic: 'pay-ments.v2', partition: 12 },
      ]),
    );
    expect(storage.existingLogs()).toHaveLength(2);
    expect(fs.existsSync(path.join(dir, 'old-3.1700000000000.deleted'))).toBe(false);
  });

  it('keeps each log in its own directory of 20-digit segment files', async () => {
    const storage = new DiskLogStorage(dir);
    storage.openLog('pay-ments.v2', 3, { ...DEFAULT_LOG_CONFIG }).append(batchOf(2));
    await storage.close();
    expect(fs.readdirSync(path.join(dir, 'pay-ments.v2-3')).sort()).toEqual([
      '.clean-shutdown',
      '00000000000000000000.index',
      '00000000000000000000.log',
      'recovery-point',
    ]);
  });

  it('refuses topic names that would leave the data directory', () => {
    const storage = new DiskLogStorage(dir);
    expect(() => storage.openLog('../escape', 0, { ...DEFAULT_LOG_CONFIG })).toThrow(RangeError);
    expect(() => storage.openLog('..', 0, { ...DEFAULT_LOG_CONFIG })).toThrow(RangeError);
  });
});
