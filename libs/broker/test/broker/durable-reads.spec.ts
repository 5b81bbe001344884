import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';
import { ErrorCode } from '@peak/protocol';
import { DiskLogStorage } from '../../src/storage';
import { fdatasyncFile } from '../../src/storage/disk/file-sync';
import { fetchFrom, gate, produce, recordsOf } from './broker-test-helpers';

/**
 * A sync seam that remembers how many bytes of each file (by inode) the last successful
 * fdatasync covered, so a test can build the directory a power loss would leave: every
 * append-only file cut back to its synced size.
 */
class SyncRecorder {
  readonly synced = new Map<number, number>();
  hold: Promise<void> | null = null;
  readonly syncFile = async (fd: number): Promise<void> => {
    const { size, ino } = fs.fstatSync(fd);
    if (this.hold) await this.hold;
    await fdatasyncFile(fd);
    this.synced.set(ino, Math.max(this.synced.get(ino) ?? 0, size));
  };

  /** Copies `from` to `to` as a power loss would leave it: .log files cut to their synced size. */
  copyAfterPowerLoss(from: string, to: string): void {
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const src = join(from, entry.name);
      const dst = join(to, entry.name);
      if (entry.isDirectory()) this.copyAfterPowerLoss(src, dst);
      else if (entry.name.endsWith('.log') && /^\d{20}\.log$/.test(entry.name)) {
        const keep = this.synced.get(fs.statSync(src).ino) ?? 0;
        fs.writeFileSync(dst, fs.readFileSync(src).subarray(0, keep));
      } else if (!entry.name.endsWith('.index')) fs.copyFileSync(src, dst);
    }
  }
}

describe('durable reads (disk)', () => {
  let dir: string;
  let recorder: SyncRecorder;
  const brokers: EmbeddedBroker[] = [];
  const start = async (dataDir: string, storage?: DiskLogStorage) => {
    const b = await EmbeddedBroker.start({ dataDir, storage });
    brokers.push(b);
    return b;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'durable-'));
    recorder = new SyncRecorder();
  });
  afterEach(async () => {
    for (const b of brokers.splice(0)) await b.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves an acks=1 record only once it is synced, and wakes a parked fetch when it is', async () => {
    const broker = await start(join(dir, 'live'), new DiskLogStorage(join(dir, 'live', 'logs'), { syncFile: recorder.syncFile }));
    await broker.createTopics({ topics: [{ topic: 't', numPartitions: 1, replicationFactor: 1, configs: [] }], timeoutMs: 1000, validateOnly: false });
    const held = gate();
    recorder.hold = held.opened;
    expect((await produce(broker, 't', ['x'], 1)).errorCode).toBe(ErrorCode.NONE);

    const early = await fetchFrom(broker, 't', 0);
    expect(early.records).toBeNull();
    expect(early.highWatermark).toBe(0);

    const parked = fetchFrom(broker, 't', 0, { maxWaitMs: 30_000 });
    let answered = false;
    void parked.then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    recorder.hold = null;
    held.open();
    const served = await parked;
    expect(recordsOf(served.records)).toEqual([{ offset: 0, value: 'x' }]);
    expect(served.highWatermark).toBe(1);
  });

  it('reports the synced end as the latest offset', async () => {
    const broker = await start(join(dir, 'live'));
    expect((await produce(broker, 'lo', ['a', 'b'], 1)).errorCode).toBe(ErrorCode.NONE);
    const latest = await broker.listOffsets({ isolationLevel: 0, topics: [{ topic: 'lo', partitions: [{ partition: 0, timestamp: -1 }] }] });
    expect(latest.topics[0].partitions[0].offset).toBe(2);
  });

  it('never lets a consumer see a record that a power loss right after removes', async () => {
    const live = join(dir, 'live');
    const broker = await start(live, new DiskLogStorage(join(live, 'logs'), { syncFile: recorder.syncFile }));
    await broker.createTopics({ topics: [{ topic: 'pl', numPartitions: 1, replicationFactor: 1, configs: [] }], timeoutMs: 1000, validateOnly: false });
    const seen: Array<{ offset: number; value: string }> = [];
    let position = 0;
    for (let round = 0; round < 20; round++) {
      await produce(broker, 'pl', [`r${round}-a`, `r${round}-b`], 1);
      const res = await fetchFrom(broker, 'pl', position, { maxWaitMs: round % 2 === 0 ? 0 : 1_000 });
      for (const r of recordsOf(res.records, position)) {
        seen.push(r);
        position = r.offset + 1;
      }
    }
    // Leave unsynced appends in the page cache as the machine loses power.
    await produce(broker, 'pl', ['tail-1'], 1);
    await produce(broker, 'pl', ['tail-2'], 0);
    expect(seen.length).toBeGreaterThan(0);

    const survivor = join(dir, 'after-power-loss');
    recorder.copyAfterPowerLoss(live, survivor);
    const restarted = await start(survivor);
    const end = (await restarted.listOffsets({ isolationLevel: 0, topics: [{ topic: 'pl', partitions: [{ partition: 0, timestamp: -1 }] }] })).topics[0].partitions[0].offset;
    expect(position).toBeLessThanOrEqual(end);
    const next = await fetchFrom(restarted, 'pl', position);
    expect(next.errorCode).toBe(ErrorCode.NONE);
    const kept = recordsOf((await fetchFrom(restarted, 'pl', 0, { maxBytes: 1 << 22 })).records);
    expect(kept.slice(0, seen.length)).toEqual(seen);
  });

  it('in memory, serves a record as soon as it is appended', async () => {
    const broker = await EmbeddedBroker.start({});
    brokers.push(broker);
    await produce(broker, 'm', ['now'], 1);
    expect(recordsOf((await fetchFrom(broker, 'm', 0)).records).map((r) => r.value)).toEqual(['now']);
  });
});
