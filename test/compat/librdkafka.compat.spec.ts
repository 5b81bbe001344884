/**
 * The compatibility scenarios run by librdkafka (Debian's 2.0.2): kcat for produce, consume,
 * seek, offsets by timestamp and long polls; a small C program on librdkafka's consumer API
 * (compiled here with gcc against librdkafka-dev) for a group of two members held together
 * through a rebalance while data flows. CI installs kcat, gcc and librdkafka-dev (.ci/run).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BatchLayout, encodeRecordBatch } from '@peak/protocol';
import { startWireHarness, WireHarness } from '../../libs/wire/test/support/wire-harness';
import { CompatRecorder } from './support/compat-recorder';

jest.setTimeout(60_000);

const execFileAsync = promisify(execFile);
const recorder = new CompatRecorder('librdkafka 2.0 (kcat, C API)');
/** Rounds of the two-member scenario per test run (the stall showed in 5 of 6 runs). */
const GROUP_ROUNDS = 3;
const PER_PARTITION = 30;
let harness: WireHarness;
let workDir: string;
let reproducer: string;
let n = 0;
const name = (prefix: string) => `${prefix}-${process.pid}-${++n}`;

async function kcat(args: string[], input = '', timeoutMs = 20_000): Promise<string> {
  const run = execFileAsync('kcat', ['-b', harness.bootstrap, ...args], { timeout: timeoutMs });
  run.child.stdin?.end(input);
  return (await run).stdout;
}

async function createTopic(topic: string, partitions: number): Promise<void> {
  const [result] = (await harness.broker.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configs: [] }], timeoutMs: 5_000, validateOnly: false })).topics;
  expect(result.errorCode).toBe(0);
}

async function produceDirect(topic: string, partition: number, values: string[]): Promise<void> {
  const records = encodeRecordBatch(values.map((v) => ({ value: Buffer.from(v) })));
  await harness.broker.produce({ transactionalId: null, acks: 1, timeoutMs: 5_000, topics: [{ topic, partitions: [{ partition, records }] }] });
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'compat-rdkafka-'));
  reproducer = join(workDir, 'group-two-members');
  execFileSync('gcc', ['-O1', '-Wall', '-o', reproducer, join(__dirname, 'librdkafka', 'group-two-members.c'), '-lrdkafka']);
  harness = await startWireHarness({ numPartitions: 1 });
});

afterAll(async () => {
  await harness?.stop();
  rmSync(workDir, { recursive: true, force: true });
  recorder.save();
});

describe('librdkafka over the wire', () => {
  it('produce-keyed-headers-acks-all', recorder.scenario('produce-keyed-headers-acks-all', async () => {
    const topic = name('rk-pk');
    await createTopic(topic, 2);
    await kcat(['-P', '-t', topic, '-K', ':', '-H', 'trace=t1', '-X', 'acks=all'], 'a:1\nb:2\nc:3\n');
    const out = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%k=%s;%h\\n']);
    expect(out.trim().split('\n').sort()).toEqual(['a=1;trace=t1', 'b=2;trace=t1', 'c=3;trace=t1']);
  }));

  it('idempotent-producer', recorder.scenario('idempotent-producer', async () => {
    const topic = name('rk-idem');
    await createTopic(topic, 1);
    await kcat(['-P', '-t', topic, '-p', '0', '-X', 'enable.idempotence=true'], 'x\ny\n');
    const fetched = await harness.broker.fetch({ maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] });
    const records = fetched.topics[0].partitions[0].records as Buffer;
    expect(fetched.topics[0].partitions[0].highWatermark).toBe(2);
    expect(Number(records.readBigInt64BE(BatchLayout.PRODUCER_ID))).toBeGreaterThanOrEqual(0);
  }));

  it('group-rebalance-while-flowing', recorder.scenario('group-rebalance-while-flowing', async () => {
    for (let round = 0; round < GROUP_ROUNDS; round++) {
      const topic = name('rk-grp');
      await createTopic(topic, 3);
      for (let p = 0; p < 3; p++) await produceDirect(topic, p, Array.from({ length: 10 }, (_, i) => `${p}-${i}`));
      let flowing = true;
      const flow = (async () => {
        for (let i = 0; flowing; i++) {
          for (let p = 0; p < 3; p++) await produceDirect(topic, p, [`flow-${p}-${i}`]);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      try {
        const { stdout } = await execFileAsync(reproducer, [harness.bootstrap, topic, name('rk-g'), String(PER_PARTITION), '3', '20000'], { timeout: 30_000 });
        expect(stdout).toMatch(/member-b assigned/);
      } finally {
        flowing = false;
        await flow;
      }
    }
  }));

  it('commit-restart-resume', recorder.scenario('commit-restart-resume', async () => {
    const topic = name('rk-crr');
    const group = name('rk-g');
    await createTopic(topic, 1);
    await produceDirect(topic, 0, ['1', '2', '3']);
    // No -o: kcat's -o in -G mode overrides the committed offset; auto.offset.reset covers the first run.
    const consume = () => kcat(['-G', group, '-X', 'auto.offset.reset=earliest', '-e', '-f', '%s\\n', topic]);
    const first = await consume();
    await produceDirect(topic, 0, ['4', '5']);
    const second = await consume();
    expect([first.trim().split('\n'), second.trim().split('\n')]).toEqual([['1', '2', '3'], ['4', '5']]);
  }));

  it('seek', recorder.scenario('seek', async () => {
    const topic = name('rk-seek');
    await createTopic(topic, 1);
    await produceDirect(topic, 0, ['0', '1', '2', '3', '4']);
    const out = await kcat(['-C', '-t', topic, '-p', '0', '-o', '3', '-e', '-f', '%o:%s\\n']);
    expect(out.trim().split('\n')).toEqual(['3:3', '4:4']);
  }));

  it('list-offsets', recorder.scenario('list-offsets', async () => {
    const topic = name('rk-lo');
    await createTopic(topic, 1);
    const base = Date.now() - 60_000;
    for (let i = 0; i < 4; i++) {
      const records = encodeRecordBatch([{ value: Buffer.from(`${i}`), timestamp: base + i * 1000 }]);
      await harness.broker.produce({ transactionalId: null, acks: 1, timeoutMs: 5_000, topics: [{ topic, partitions: [{ partition: 0, records }] }] });
    }
    const query = async (ts: number) => (await kcat(['-Q', '-t', `${topic}:0:${ts}`])).match(/offset (-?\d+)/)?.[1];
    expect([await query(-2), await query(-1), await query(base + 2000)]).toEqual(['0', '4', '2']);
  }));

  it('long-poll-wakeup', recorder.scenario('long-poll-wakeup', async () => {
    const topic = name('rk-lp');
    await createTopic(topic, 1);
    // kcat logs each request it sends with -d protocol: produce once its first Fetch is parked.
    const child = spawn('kcat', ['-b', harness.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'end', '-c', '1', '-f', '%s\\n', '-X', 'fetch.wait.max.ms=10000', '-d', 'protocol']);
    child.stdin.end();
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('kcat sent no Fetch')), 15_000);
      child.stderr.on('data', (d: Buffer) => {
        if (d.toString().includes('Sent FetchRequest')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const sentAt = Date.now();
    await produceDirect(topic, 0, ['wake']);
    await exited;
    expect(stdout.trim()).toBe('wake');
    expect(Date.now() - sentAt).toBeLessThan(5_000);
  }));

  it('transactions (refused)', recorder.scenario('transactions', async () => {
    const topic = name('rk-tx');
    await createTopic(topic, 1);
    const failure = await kcat(['-P', '-t', topic, '-X', `transactional.id=${name('tx')}`, '-X', 'transaction.timeout.ms=5000'], 'x\n', 20_000).then(
      () => null,
      (error: Error & { stderr?: string }) => error.stderr ?? error.message,
    );
    expect(failure).not.toBeNull();
    const end = await harness.broker.listOffsets({ isolationLevel: 0, topics: [{ topic, partitions: [{ partition: 0, timestamp: -1 }] }] });
    expect(end.topics[0].partitions[0].offset).toBe(0); // nothing was written
    return { outcome: 'refused', note: (failure ?? '').split('\n').find((l) => /error|fatal|fail/i.test(l))?.replace(/^%\d\|[^|]*\|[^|]*\|[^|]*\|\s*/, '').trim() ?? 'kcat exits with an error' };
  }));
});
