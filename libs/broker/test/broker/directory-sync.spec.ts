import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';
import { ErrorCode } from '@peak/protocol';
import { DiskLogStorage } from '../../src/storage';
import { syncDirectoryAsync } from '../../src/storage/disk/segment-files';

describe('directory fsyncs', () => {
  let dir: string;
  let broker: EmbeddedBroker | undefined;
  const synced: string[] = [];
  const syncDirectory = async (d: string): Promise<void> => {
    await syncDirectoryAsync(d);
    synced.push(d);
  };
  beforeEach(async () => {
    dir = fs.mkdtempSync(join(tmpdir(), 'dirsync-'));
    synced.length = 0;
    broker = await EmbeddedBroker.start({ dataDir: dir, storage: new DiskLogStorage(join(dir, 'logs'), { syncDirectory }) });
  });
  afterEach(async () => {
    await broker?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('syncs every new partition directory and then the logs directory before CreateTopics answers', async () => {
    const res = await (broker as EmbeddedBroker).createTopics({ topics: [{ topic: 'd', numPartitions: 3, replicationFactor: 1, configs: [] }], timeoutMs: 1000, validateOnly: false });
    expect(res.topics[0].errorCode).toBe(ErrorCode.NONE);
    const logs = join(dir, 'logs');
    expect(synced.slice(0, 3).sort()).toEqual([join(logs, 'd-0'), join(logs, 'd-1'), join(logs, 'd-2')]);
    expect(synced[3]).toBe(logs);
  });

  it('syncs the logs directory after a topic is deleted', async () => {
    const b = broker as EmbeddedBroker;
    await b.createTopics({ topics: [{ topic: 'gone', numPartitions: 1, replicationFactor: 1, configs: [] }], timeoutMs: 1000, validateOnly: false });
    synced.length = 0;
    await b.deleteTopics({ topics: ['gone'], timeoutMs: 1000 });
    expect(synced).toEqual([join(dir, 'logs')]);
    expect(fs.readdirSync(join(dir, 'logs'))).toEqual([]);
  });
});
