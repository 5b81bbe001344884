import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskLogStorage } from '../src/storage';
import { runStorageConformance } from './storage-conformance';

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
