/**
 * npm run bench:broker [-- --json] [--quick]
 *
 * Measures the embedded broker through the kafkajs-compatible client, in-process, on a
 * disk data directory (not memory): batched and single-message produce, batched and
 * per-message consume, durable (acks=-1) produce from 64 producers, end-to-end latency
 * (on disk, where fetch serves only synced records, and on memory for comparison),
 * startup, and peak RSS while a 5M-message backlog is written and read back (in a child
 * process). The raw file-append ceiling of the same bytes is measured in the same run.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';
import { Kafka } from '@peak/kafka';
import { compileForBench } from './lib/compile';
import { consumeAll, e2eLatency, openBroker, produceBatched, produceDurable, produceSingles, rawAppend, startupMs } from './lib/broker-scenarios';
import { Figure, measure, printJson, printTable, wantsJson } from './lib/report';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 1 : 3;
const BATCHED = quick ? 300_000 : 2_000_000;

/** Runs the backlog child as compiled JavaScript, so its RSS is the broker's and not the TS loader's. */
function backlogRss(messages: number): Promise<number> {
  const outDir = compileForBench(mkdtempSync(join(process.cwd(), '.bench-build-')));
  return new Promise((resolve, reject) => {
    const child = fork(join(outDir, 'bench', 'lib', 'backlog.child.js'), [String(messages)], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    child.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
    child.on('message', (m: { peakRssMB: number }) => resolve(m.peakRssMB));
    child.on('exit', (code) => code !== 0 && reject(new Error(`backlog child exited ${code}`)));
  });
}

async function main(): Promise<void> {
  const figures: Figure[] = [];
  figures.push(await measure('startupMs', 'ms', 5, startupMs, 1, 'EmbeddedBroker.start on an empty data dir'));
  figures.push(await measure('rawAppendMsgsPerSec', 'msg/s', RUNS, async () => rawAppend(BATCHED, 1000), 0, 'fs.writeSync of the same batch bytes, 64 KiB writes'));

  const produced: number[] = [];
  const consumedBatch: number[] = [];
  const consumedEach: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const b = await openBroker(4);
    produced.push(await produceBatched(b.kafka, 'batched', BATCHED, 1000, 1));
    consumedBatch.push(await consumeAll(b.kafka, 'batched', BATCHED, 'batch'));
    consumedEach.push(await consumeAll(b.kafka, 'batched', BATCHED, 'message'));
    await b.close();
  }
  const med = (name: string, runs: number[], note: string): Figure => ({ name, unit: 'msg/s', value: [...runs].sort((a, b) => a - b)[runs.length >> 1], runs, note });
  figures.push(med('produceMsgsPerSec', produced, 'send() of 1000 x 100 B, acks=1, 4 in flight, 4 partitions'));
  figures.push(med('consumeMsgsPerSec', consumedBatch, 'eachBatch, fromBeginning'));
  figures.push(med('consumeEachMessagePerSec', consumedEach, 'eachMessage, fromBeginning'));

  figures.push(
    await measure('produceSingleMsgsPerSec', 'msg/s', RUNS, async () => {
      const b = await openBroker(4);
      const rate = await produceSingles(b.kafka, 'single', quick ? 50_000 : 200_000, 512);
      await b.close();
      return rate;
    }, 0, 'send() of 1 message, 512 in flight'),
  );
  figures.push(
    await measure('durableProduceMsgsPerSec', 'msg/s', RUNS, async () => {
      const b = await openBroker(4);
      const rate = await produceDurable(b.kafka, 'durable', 64, quick ? 10 : 50, 100);
      await b.close();
      return rate;
    }, 0, 'acks=-1, 64 producers x batches of 100, group-commit fsync'),
  );

  const p50: number[] = [];
  const p99: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const b = await openBroker(1);
    const lat = await e2eLatency(b.kafka, 'latency', quick ? 300 : 1000);
    p50.push(lat.p50);
    p99.push(lat.p99);
    await b.close();
  }
  figures.push({ ...med('e2eLatencyP50Ms', p50, 'produce -> eachMessage, 1 msg/ms, acks=1; disk: served once synced (durable reads)'), unit: 'ms' });
  figures.push({ ...med('e2eLatencyP99Ms', p99, ''), unit: 'ms' });
  // The same on memory storage, where a record is served as soon as it is appended: the
  // difference is what waiting for the durable end costs (docs/broker-design.md).
  const memP50: number[] = [];
  const memP99: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const broker = await EmbeddedBroker.start({ numPartitions: 1 });
    const lat = await e2eLatency(new Kafka({ clientId: 'bench', broker, logLevel: 0 }), 'latency', quick ? 300 : 1000);
    memP50.push(lat.p50);
    memP99.push(lat.p99);
    await broker.close();
  }
  figures.push({ ...med('e2eLatencyMemoryP50Ms', memP50, 'same on memory storage (no sync before serving)'), unit: 'ms' });
  figures.push({ ...med('e2eLatencyMemoryP99Ms', memP99, ''), unit: 'ms' });

  const backlog = quick ? 500_000 : 5_000_000;
  figures.push(await measure('backlogRssMB', 'MB', 1, () => backlogRss(backlog), 0, `peak RSS writing and reading back ${backlog.toLocaleString('en-US')} messages (child process)`));

  printTable('Embedded broker (in-process client, disk storage)', figures);
  if (wantsJson()) printJson(figures, { quick, node: process.version });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
