/**
 * CI smoke test of the benchmarks' quick modes: `bench:broker --quick --json` and
 * `bench:peers --quick --json` run as child processes, exit 0, and print as their last line
 * one JSON object with the keys docs/benchmarks.md and the issue's checks read. No figure is
 * compared with a threshold: the machine is shared, the figures are not the point here.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
/** Bounds the whole child run so a hung benchmark fails the test instead of CI. */
const CHILD_DEADLINE_MS = 240_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBench(script: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', script, '--quick', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_DEADLINE_MS);
    child.once('error', fail);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

function lastJsonLine(run: Run): Record<string, unknown> {
  if (run.code !== 0) throw new Error(`exit ${run.code}\n${run.stderr.slice(-2000)}`);
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

describe('benchmark quick modes (CI smoke)', () => {
  it('bench:broker --quick --json ends with one JSON line of every figure', async () => {
    const json = lastJsonLine(await runBench('bench/broker.bench.ts'));
    expect(json.quick).toBe(true);
    for (const key of ['produceMsgsPerSec', 'consumeMsgsPerSec', 'consumeEachMessagePerSec', 'produceSingleMsgsPerSec', 'durableProduceMsgsPerSec', 'e2eLatencyP50Ms', 'e2eLatencyP99Ms', 'startupMs', 'backlogRssMB']) {
      expect(typeof json[key]).toBe('number');
    }
  }, CHILD_DEADLINE_MS + 10_000);

  it('bench:peers --quick --json ends with one JSON line: a row per system measured, a reason per system skipped', async () => {
    const json = lastJsonLine(await runBench('bench/peers.bench.ts'));
    expect(json.quick).toBe(true);
    const rows = json.rows as Array<Record<string, unknown>>;
    const skipped = json.skipped as Array<{ id: string; reason: string }>;
    // Our in-process broker needs no server: its rows are always there.
    expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(['ours-inprocess-fsync', 'ours-inprocess-nofsync']));
    for (const row of rows) {
      for (const key of ['produceMsgsPerSec', 'consumeMsgsPerSec']) expect(typeof row[key]).toBe('number');
      for (const key of ['id', 'system', 'client', 'durability', 'setting']) expect(typeof row[key]).toBe('string');
      expect(['fsync', 'fsync-1s', 'none']).toContain(row.durability);
      expect(row).toHaveProperty('oursTcpProduceRatio');
      expect(row).toHaveProperty('oursInProcessProduceRatio');
    }
    for (const s of skipped) expect(s.reason.length).toBeGreaterThan(0);
    // Every case ends up measured or skipped with a reason, none silently missing.
    const ids = [...rows.map((r) => r.id), ...skipped.map((s) => s.id)];
    expect(ids).toEqual(expect.arrayContaining(['ours-tcp-kafkajs-fsync', 'ours-tcp-peak-fsync', 'ours-tcp-rdkafka-fsync', 'redis-always', 'redis-everysec', 'redis-noaof', 'nats-jetstream-file', 'rabbitmq-quorum']));
    for (const key of ['bestPeerFsyncProduceMsgsPerSec', 'oursTcpFsyncProduceMsgsPerSec', 'oursTcpVsBestPeerFsyncProduce']) expect(json).toHaveProperty(key);
  }, CHILD_DEADLINE_MS + 10_000);
});
