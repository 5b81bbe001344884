/**
 * npm run bench:peers [-- --json] [--quick] [--producers 4] [--runs 3] [--only id1,id2]
 *
 * The same workload through our broker and the systems users would pick instead, in one
 * run: our broker in-process (@peak/kafka on an EmbeddedBroker, disk) and over TCP (kafkajs,
 * @peak/kafka on WireBroker, librdkafka via kcat), Redis Streams (AOF always / everysec /
 * none), NATS JetStream (file storage) and RabbitMQ (quorum queue, confirms). 100-byte
 * messages from N producers: produce rate, consume rate, and produce→consume latency at a
 * fixed moderate rate. Runs are interleaved round by round (every case's run 1, then every
 * case's run 2, ...) so a change of load on the shared machine hits all alike; medians are
 * reported. A system whose server is absent is skipped with the reason. Every stream, queue
 * and topic a case creates is deleted by its session's close().
 */
import { argValue, printJson, wantsJson } from './lib/report';
import { natsCase } from './peers/nats.peer';
import { oursCases } from './peers/ours.peer';
import { PeerCase, Workload } from './peers/peer.types';
import { buildRows, CaseRuns, fsyncSummary, printPeersTable, Skipped } from './peers/peers-report';
import { rabbitmqCase } from './peers/rabbitmq.peer';
import { rdkafkaCase } from './peers/rdkafka.peer';
import { redisCases } from './peers/redis.peer';

const quick = process.argv.includes('--quick');
const RUNS = argValue('runs', quick ? 1 : 3);
const KCAT_MESSAGES = quick ? 50_000 : 1_000_000;

const workload: Workload = {
  messageBytes: 100,
  producers: argValue('producers', 4),
  produceSeconds: quick ? 0.3 : 3,
  inFlight: 400,
  batch: 100,
  latencyMessages: quick ? 50 : 1000,
  latencyRate: 500,
};

const round3 = (n: number | null) => (n === null ? null : Number(n.toFixed(3)));

function selected(cases: PeerCase[]): PeerCase[] {
  const i = process.argv.indexOf('--only');
  if (i < 0 || !process.argv[i + 1]) return cases;
  const ids = new Set(process.argv[i + 1].split(','));
  return cases.filter((c) => ids.has(c.id));
}

async function runOnce(c: PeerCase, runs: CaseRuns): Promise<void> {
  const session = await c.open();
  try {
    const produced = await session.produce(workload);
    runs.produce.push(produced.msgsPerSec);
    runs.consume.push(await session.consume(produced.messages, workload));
    const latency = await session.latency(workload);
    if (latency) {
      runs.p50.push(latency.p50Ms);
      runs.p99.push(latency.p99Ms);
    }
  } finally {
    await session.close();
  }
}

async function main(): Promise<void> {
  const cases = selected([...oursCases(workload), rdkafkaCase(KCAT_MESSAGES), ...redisCases(), natsCase(), rabbitmqCase()]);
  const skipped: Skipped[] = [];
  const active: Array<{ c: PeerCase; runs: CaseRuns }> = [];
  for (const c of cases) {
    const reason = await c.unavailable();
    if (reason) {
      console.log(`skip ${c.id}: ${reason}`);
      skipped.push({ id: c.id, reason });
    } else active.push({ c, runs: { produce: [], consume: [], p50: [], p99: [] } });
  }
  for (let round = 1; round <= RUNS; round++) {
    for (const entry of active) {
      if (skipped.some((s) => s.id === entry.c.id)) continue;
      const started = performance.now();
      try {
        await runOnce(entry.c, entry.runs);
        const r = entry.runs;
        console.log(`round ${round} ${entry.c.id}: produce ${Math.round(r.produce[r.produce.length - 1])}/s, consume ${Math.round(r.consume[r.consume.length - 1])}/s (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      } catch (err) {
        const reason = `failed in round ${round}: ${(err as Error).message}`;
        console.log(`skip ${entry.c.id}: ${reason}`);
        skipped.push({ id: entry.c.id, reason });
      }
    }
  }
  const finished = active.filter((e) => !skipped.some((s) => s.id === e.c.id));
  const rows = buildRows(finished);
  const title = `bench:peers: ${workload.messageBytes} B messages, ${workload.producers} producers x ${workload.inFlight} in flight, ${RUNS} run(s), medians; latency at ${workload.latencyRate} msg/s`;
  printPeersTable(title, rows, skipped);
  const summary = fsyncSummary(rows);
  console.log(`fsync before ack: ours over TCP ${summary.oursTcpFsyncProduceMsgsPerSec} msg/s vs best peer ${summary.bestPeerFsyncId} ${summary.bestPeerFsyncProduceMsgsPerSec} msg/s: ${summary.oursTcpVsBestPeerFsyncProduce}x (goal 2x)`);
  if (wantsJson()) {
    printJson([], {
      quick,
      node: process.version,
      runs: RUNS,
      workload,
      ...summary,
      rows: rows.map(({ runs, ...row }) => ({
        ...row,
        produceMsgsPerSec: Math.round(row.produceMsgsPerSec),
        consumeMsgsPerSec: Math.round(row.consumeMsgsPerSec),
        latencyP50Ms: round3(row.latencyP50Ms),
        latencyP99Ms: round3(row.latencyP99Ms),
        produceRuns: runs.produce.map(Math.round),
        consumeRuns: runs.consume.map(Math.round),
      })),
      skipped,
    });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
