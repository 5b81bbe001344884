import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';
import { ErrorCode } from '@peak/protocol';
import { DiskLogStorage } from '../../src/storage';
import { fdatasyncFile } from '../../src/storage/disk/file-sync';
import { fetchFrom, produce, recordsOf } from './broker-test-helpers';

describe('a failed fdatasync takes the log offline', () => {
  let dir: string;
  let broker: EmbeddedBroker | undefined;
  let failSyncs = false;
  const syncFile = (fd: number): Promise<void> =>
    failSyncs ? Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })) : fdatasyncFile(fd);

  beforeEach(async () => {
    dir = fs.mkdtempSync(join(tmpdir(), 'fenced-'));
    failSyncs = false;
    broker = await EmbeddedBroker.start({ dataDir: dir, storage: new DiskLogStorage(join(dir, 'logs'), { syncFile }) });
  });
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers KAFKA_STORAGE_ERROR to the produce whose sync failed and to every later produce, fetch and ListOffsets', async () => {
    const b = broker as EmbeddedBroker;
    expect((await produce(b, 'sick', ['a'], -1)).errorCode).toBe(ErrorCode.NONE);
    expect((await produce(b, 'well', ['w1'], -1)).errorCode).toBe(ErrorCode.NONE);

    failSyncs = true;
    expect((await produce(b, 'sick', ['b'], -1)).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    // The disk "recovers", but the log stays fenced: a later sync could succeed over dropped pages.
    failSyncs = false;
    expect((await produce(b, 'sick', ['c'], -1)).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect((await produce(b, 'sick', ['d'], 1)).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect((await fetchFrom(b, 'sick', 0)).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    const parked = await fetchFrom(b, 'sick', 1, { maxWaitMs: 10_000 });
    expect(parked.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    const latest = await b.listOffsets({ isolationLevel: 0, topics: [{ topic: 'sick', partitions: [{ partition: 0, timestamp: -1 }] }] });
    expect(latest.topics[0].partitions[0].errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);

    // Other logs keep working.
    expect((await produce(b, 'well', ['w2'], -1)).errorCode).toBe(ErrorCode.NONE);
    expect(recordsOf((await fetchFrom(b, 'well', 0)).records).map((r) => r.value)).toEqual(['w1', 'w2']);
  });

  it('comes back after a restart with what was acknowledged', async () => {
    const b = broker as EmbeddedBroker;
    expect((await produce(b, 'sick', ['a'], -1)).errorCode).toBe(ErrorCode.NONE);
    failSyncs = true;
    expect((await produce(b, 'sick', ['b'], -1)).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    failSyncs = false;
    await b.close();
    broker = await EmbeddedBroker.start({ dataDir: dir });
    const after = await produce(broker, 'sick', ['e'], -1);
    expect(after.errorCode).toBe(ErrorCode.NONE);
    const values = recordsOf((await fetchFrom(broker, 'sick', 0)).records).map((r) => r.value);
    expect(values[0]).toBe('a');
    expect(values[values.length - 1]).toBe('e');
  });
});
