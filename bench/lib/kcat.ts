/**
 * librdkafka through the kcat command-line tool, for the wire and peers benchmarks: a
 * prepared file of fixed-size messages produced with `kcat -P -l`, and a topic read back to
 * /dev/null with `kcat -C -e`. Each run reports its wall time and kcat's own CPU time (user +
 * system, read from bash's `times` after kcat exits), so a reader can tell whether kcat or
 * the broker was the limit.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';

export interface KcatRun {
  /** Messages kcat produced or consumed (consume: the sum of the end offsets it reported). */
  messages: number;
  seconds: number;
  /** kcat's user + system CPU time over the run. */
  cpuSeconds: number;
}

/** True when a `kcat` binary answers on PATH. */
export function kcatAvailable(): boolean {
  const probe = spawnSync('kcat', ['-V'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Writes `count` lines of `size` bytes each (the message) plus a newline (the delimiter kcat
 * splits on). Each line is the same printable filler: the broker stores the bytes as given.
 */
export function writeMessageFile(path: string, count: number, size: number): void {
  const line = Buffer.alloc(size + 1, 'x');
  line[size] = 0x0a;
  const linesPerChunk = Math.max(1, Math.floor((1 << 20) / line.length));
  const chunk = Buffer.concat(Array.from({ length: linesPerChunk }, () => line));
  const fd = openSync(path, 'w');
  try {
    let left = count;
    while (left > 0) {
      const lines = Math.min(left, linesPerChunk);
      writeSync(fd, chunk, 0, lines * line.length);
      left -= lines;
    }
  } finally {
    closeSync(fd);
  }
}

/** Parses the children line of bash `times` ("0m1.234s 0m0.056s") into seconds. */
export function parseTimes(line: string): number {
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length < 2) throw new Error(`cannot read CPU time from '${line}'`);
  return parts.slice(0, 2).reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
}

/** Runs kcat under bash so `times` can report its CPU; stdout goes to /dev/null. */
function runKcat(args: string[]): Promise<{ seconds: number; cpuSeconds: number; stderr: string }> {
  const devNull = openSync('/dev/null', 'w');
  const started = performance.now();
  const child = spawn('bash', ['-c', 'kcat "$@"; rc=$?; times >&2; exit $rc', 'kcat', ...args], { stdio: ['ignore', devNull, 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      closeSync(devNull);
      const lines = stderr.trim().split('\n');
      if (code !== 0) return reject(new Error(`kcat ${args.join(' ')} exited ${code}: ${lines.slice(-5).join(' | ')}`));
      resolve({ seconds, cpuSeconds: parseTimes(lines[lines.length - 1]), stderr });
    });
  });
}

/** Produces every line of `file` to `topic`; resolves once kcat has had every delivery acknowledged. */
export async function kcatProduce(broker: string, topic: string, file: string, count: number, acks: 'all' | '1'): Promise<KcatRun> {
  const run = await runKcat(['-P', '-b', broker, '-t', topic, '-X', `acks=${acks}`, '-l', file]);
  if (/ERROR|failed/i.test(run.stderr)) throw new Error(`kcat produce reported: ${run.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
  return { messages: count, seconds: run.seconds, cpuSeconds: run.cpuSeconds };
}

/**
 * How long the broker may hold kcat's fetch when there is nothing new. librdkafka's default
 * (500 ms) is paid at the end of a backlog (to learn that it is the end, `-e`) and whenever
 * only partitions already read to their end are in a fetch while others' prefetch queues
 * are full: over 1M messages it added 0.4-1.3 s to a 0.5 s read on this machine.
 */
export const KCAT_FETCH_WAIT_MAX_MS = 10;

/**
 * Reads every partition of `topic` from the beginning to its end (`-e`) into /dev/null. The
 * message count is the sum of the end offsets kcat prints when it reaches each partition's end.
 */
export async function kcatConsume(broker: string, topic: string): Promise<KcatRun> {
  const args = ['-C', '-b', broker, '-t', topic, '-o', 'beginning', '-e', '-f', '%s\n', '-X', `fetch.wait.max.ms=${KCAT_FETCH_WAIT_MAX_MS}`];
  const run = await runKcat(args);
  const ends = [...run.stderr.matchAll(/Reached end of topic \S+ \[\d+\] at offset (\d+)/g)].map((m) => Number(m[1]));
  return { messages: ends.reduce((a, b) => a + b, 0), seconds: run.seconds, cpuSeconds: run.cpuSeconds };
}
