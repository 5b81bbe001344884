import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_OPEN_LOG_FILES, EmbeddedBroker } from '@peak/broker';
import { ErrorCode } from '@peak/protocol';
import { sharedDescriptorPool } from '../../src/storage/disk/descriptor-pool';
import { batchOf, recordsOf } from './broker-test-helpers';

const PARTITIONS = 300;
const BUDGET = 16;
/** Descriptors the broker holds besides log files: the offsets file and brief metadata writes. */
const OTHER_FILES = 4;

function openDescriptors(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

describe('descriptor budget (disk)', () => {
  let dir: string;
  let broker: EmbeddedBroker | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'fd-budget-'));
  });
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    sharedDescriptorPool.setBudget(DEFAULT_MAX_OPEN_LOG_FILES);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`serves ${PARTITIONS} partitions while holding at most ${BUDGET} log and index files open, before and after a restart`, async () => {
    const baseline = openDescriptors();
    let peak = 0;
    const sample = () => (peak = Math.max(peak, openDescriptors() - baseline));
    broker = await EmbeddedBroker.start({ dataDir: dir, maxOpenLogFiles: BUDGET });
    const created = await broker.createTopics({ topics: [{ topic: 'wide', numPartitions: PARTITIONS, replicationFactor: 1, configs: [] }], timeoutMs: 1000, validateOnly: false });
    expect(created.topics[0].errorCode).toBe(ErrorCode.NONE);
    sample();

    const partitions = Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, records: batchOf([`v${partition}`]) }));
    const produced = await broker.produce({ transactionalId: null, acks: -1, timeoutMs: 5000, topics: [{ topic: 'wide', partitions }] });
    expect(produced.topics[0].partitions.every((p) => p.errorCode === ErrorCode.NONE)).toBe(true);
    sample();
    await broker.close();

    broker = await EmbeddedBroker.start({ dataDir: dir, maxOpenLogFiles: BUDGET });
    sample();
    const fetched = await broker.fetch({
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 24,
      isolationLevel: 0,
      topics: [{ topic: 'wide', partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, fetchOffset: 0, partitionMaxBytes: 1 << 16 })) }],
    });
    sample();
    expect(fetched.topics[0].partitions.map((p) => recordsOf(p.records).map((r) => r.value)[0])).toEqual(Array.from({ length: PARTITIONS }, (_, p) => `v${p}`));
    expect(peak).toBeLessThanOrEqual(BUDGET + OTHER_FILES);
    expect(sharedDescriptorPool.openCount()).toBeLessThanOrEqual(BUDGET);
  }, 60_000);
});
