/**
 * librdkafka 2.0 (Debian's librdkafka-dev) group of two written the way users write it
 * (issue 10): each consumer in its own thread, created together, no rebalance callback,
 * default session/heartbeat/auto-commit settings, auto.offset.reset=earliest, a producer
 * writing to every partition throughout. Every partition must keep delivering to its owner
 * after the rebalance (the issue reported one partition left at position INVALID).
 * The C program (group-threads.c) decides when all partitions flow and exits 0, or 2 at its
 * deadline; this spec compiles it and runs it against topics created by an admin call (with
 * and without data) and auto-created by the subscription.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encodeRecordBatch } from '@peak/protocol';
import { startWireHarness, WireHarness } from '../../libs/wire/test/support/wire-harness';

jest.setTimeout(60_000);

const execFileAsync = promisify(execFile);
const PARTITIONS = 3;
/** The program's own deadline per round; a healthy round ends within a heartbeat interval (3 s) or two. */
const ROUND_TIMEOUT_MS = 15_000;
let harness: WireHarness;
let workDir: string;
let program: string;
let n = 0;
const name = (prefix: string) => `${prefix}-${process.pid}-${++n}`;

async function runGroup(topic: string): Promise<string> {
  const result = await execFileAsync(program, [harness.bootstrap, topic, name('rk-gt-g'), String(PARTITIONS), String(ROUND_TIMEOUT_MS)], {
    timeout: ROUND_TIMEOUT_MS + 10_000,
  }).catch((error: Error & { stdout?: string }) => ({ stdout: error.stdout ?? error.message }));
  return result.stdout;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'compat-rdkafka-threads-'));
  program = join(workDir, 'group-threads');
  execFileSync('gcc', ['-O1', '-Wall', '-o', program, join(__dirname, 'librdkafka', 'group-threads.c'), '-lrdkafka', '-lpthread']);
  harness = await startWireHarness({ numPartitions: PARTITIONS });
});

afterAll(async () => {
  await harness?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('librdkafka group of two, one thread per consumer, no rebalance callback', () => {
  it.each([
    ['an admin-created topic with data', true, true],
    ['an admin-created empty topic', true, false],
    ['a topic auto-created by the subscription', false, false],
  ])('every partition keeps delivering after the rebalance (%s)', async (_label, create, withData) => {
    const topic = name('rk-gt');
    if (create) {
      const [created] = (await harness.broker.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1, configs: [] }], timeoutMs: 5_000, validateOnly: false })).topics;
      expect(created.errorCode).toBe(0);
    }
    if (withData) {
      for (let p = 0; p < PARTITIONS; p++) {
        const records = encodeRecordBatch(Array.from({ length: 100 }, (_, i) => ({ value: Buffer.from(`${p}-${i}`) })));
        await harness.broker.produce({ transactionalId: null, acks: 1, timeoutMs: 5_000, topics: [{ topic, partitions: [{ partition: p, records }] }] });
      }
    }
    const stdout = await runGroup(topic);
    expect(stdout).not.toMatch(/STALL/);
    expect(stdout).toMatch(/RESULT ok/);
  });
});
