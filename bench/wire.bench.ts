/**
 * npm run bench:wire [-- --json] [--quick] [--broker-cpu-prof <dir>]
 *
 * The real kafkajs 2.2.4 package over TCP against our broker (in its own process, disk
 * storage): batched produce (batches of 100 x 100 B, acks=1), consume (eachBatch),
 * durable produce (acks=-1), and the share of CPU time the broker used, to show which side
 * is the bottleneck. Then librdkafka (kcat) against a fresh broker process: 1,000,000 x 100 B
 * produced from a prepared file with acks=all, and read back to /dev/null, with the CPU
 * each side used (see lib/rdkafka-phase.ts). `--broker-cpu-prof <dir>` writes a V8 CPU
 * profile of that broker process (kcat phases only) into <dir>.
 * Then @platformatic/kafka against a fresh broker process: the same 100 B sends with acks=all
 * and the messages read back, with each side's CPU (see lib/platformatic-phase.ts). Each
 * client's produce is also run against the null broker (stores nothing): its own ceiling.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { brokerCpuMs, startBrokerProcess as startBroker, stopBrokerProcess as stopBroker } from './lib/broker-process';
import { packageVersion } from './lib/package-version';
import { kcatAvailable, kcatProduce, writeMessageFile } from './lib/kcat';
import { createPlatformaticTopic, PlatformaticPhase, platformaticFigures, platformaticProduce, runPlatformaticPhase } from './lib/platformatic-phase';
import { createTopic, RdkafkaPhase, rdkafkaFigures, runRdkafkaPhase } from './lib/rdkafka-phase';
import { Figure, median, printJson, printTable, wantsJson } from './lib/report';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 1 : 3;
const TOTAL = quick ? 100_000 : 500_000;
const BATCH = 100;
const IN_FLIGHT = 16;
const PARTITIONS = 4;
const VALUE = Buffer.alloc(100, 'x');
const RDKAFKA_TOTAL = quick ? 100_000 : 1_000_000;
const PLATFORMATIC_VERSION = packageVersion('@platformatic/kafka');
const profIndex = process.argv.indexOf('--broker-cpu-prof');
const BROKER_CPU_PROF = profIndex >= 0 ? process.argv[profIndex + 1] : undefined;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function produce(kafka: Kafka, topic: string, acks: -1 | 1, total: number): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  // One request carries one batch of BATCH messages for each of the PARTITIONS partitions.
  const messages = Array.from({ length: BATCH * PARTITIONS }, (_, i) => ({ value: VALUE, partition: i % PARTITIONS }));
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (sent < total) {
        sent += messages.length;
        await producer.send({ topic, acks, messages });
      }
    }),
  );
  const rate = sent / ((performance.now() - started) / 1000);
  await producer.disconnect();
  return rate;
}

async function consume(kafka: Kafka, topic: string, total: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let started = 0;
  const rate = await new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (started === 0) started = performance.now();
        seen += batch.messages.length;
        if (seen >= total) resolve(seen / ((performance.now() - started) / 1000));
      },
    });
  });
  await consumer.disconnect();
  return rate;
}

async function main(): Promise<void> {
  const produceRuns: number[] = [];
  const consumeRuns: number[] = [];
  const durableRuns: number[] = [];
  const shareRuns: number[] = [];
  const ceilingRuns: number[] = [];
  const rdkafkaRuns: RdkafkaPhase[] = [];
  const rdkafkaCeilingRuns: number[] = [];
  const platformaticRuns: PlatformaticPhase[] = [];
  const platformaticCeilingRuns: number[] = [];
  const withKcat = kcatAvailable();
  if (!withKcat) console.log('kcat not found on PATH: the librdkafka rows are skipped (apt-get install kcat)');
  const workDir = mkdtempSync(join(tmpdir(), 'bench-wire-kcat-'));
  const messageFile = join(workDir, 'messages.txt');
  if (withKcat) writeMessageFile(messageFile, RDKAFKA_TOTAL, VALUE.length);
  for (let run = 0; run < RUNS; run++) {
    const nullBroker = await startBroker(['--null']);
    const nullKafka = new Kafka({ clientId: 'bench-wire-null', brokers: [`127.0.0.1:${nullBroker.port}`], logLevel: logLevel.NOTHING });
    ceilingRuns.push(await produce(nullKafka, 'null', 1, TOTAL));
    if (withKcat) {
      await createTopic(nullBroker.port, 'null-rdkafka', 4);
      const ceiling = await kcatProduce(`127.0.0.1:${nullBroker.port}`, 'null-rdkafka', messageFile, RDKAFKA_TOTAL, 'all');
      rdkafkaCeilingRuns.push(RDKAFKA_TOTAL / ceiling.seconds);
    }
    await createPlatformaticTopic(nullBroker.port, 'null-platformatic');
    platformaticCeilingRuns.push((await platformaticProduce(nullBroker.port, 'null-platformatic', TOTAL)).msgsPerSec);
    await stopBroker(nullBroker);

    const broker = await startBroker();
    const kafka = new Kafka({ clientId: 'bench-wire', brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'wire', numPartitions: 4 }, { topic: 'wire-durable', numPartitions: 4 }] });
    await admin.disconnect();
    const clientStart = cpuMs();
    const brokerStart = await brokerCpuMs(broker);
    produceRuns.push(await produce(kafka, 'wire', 1, TOTAL));
    consumeRuns.push(await consume(kafka, 'wire', TOTAL));
    durableRuns.push(await produce(kafka, 'wire-durable', -1, TOTAL));
    const brokerCpu = (await brokerCpuMs(broker)) - brokerStart;
    const clientCpu = cpuMs() - clientStart;
    shareRuns.push(brokerCpu / (brokerCpu + clientCpu));
    await stopBroker(broker);

    if (withKcat) {
      const rdBroker = await startBroker([], BROKER_CPU_PROF);
      rdkafkaRuns.push(await runRdkafkaPhase({ port: rdBroker.port, brokerCpuMs: () => brokerCpuMs(rdBroker), messageFile, total: RDKAFKA_TOTAL }));
      await stopBroker(rdBroker);
    }

    const pfBroker = await startBroker();
    platformaticRuns.push(await runPlatformaticPhase({ port: pfBroker.port, brokerCpuMs: () => brokerCpuMs(pfBroker), total: TOTAL }));
    await stopBroker(pfBroker);
  }
  rmSync(workDir, { recursive: true, force: true });
  const fig = (name: string, runs: number[], unit: string, note: string): Figure => ({ name, runs, unit, value: median(runs), note });
  const figures = [
    fig('kafkajsProduceMsgsPerSec', produceRuns, 'msg/s', `a batch of ${BATCH} x 100 B per partition per send (4 partitions), acks=1, ${IN_FLIGHT} in flight`),
    fig('kafkajsConsumeMsgsPerSec', consumeRuns, 'msg/s', 'eachBatch, fromBeginning'),
    fig('kafkajsDurableProduceMsgsPerSec', durableRuns, 'msg/s', `acks=-1, same sends`),
    fig('kafkajsCeilingProduceMsgsPerSec', ceilingRuns, 'msg/s', 'same sends against a null broker that stores nothing: kafkajs alone'),
    fig('brokerCpuShare', shareRuns, 'ratio', 'broker CPU time / (broker + kafkajs) over the three phases'),
    ...rdkafkaFigures(rdkafkaRuns, RDKAFKA_TOTAL, rdkafkaCeilingRuns),
    ...platformaticFigures(platformaticRuns, platformaticCeilingRuns),
  ];
  printTable(`kafkajs 2.2.4, librdkafka (kcat) and @platformatic/kafka ${PLATFORMATIC_VERSION} over TCP against the embedded broker (separate process, disk storage)`, figures);
  if (wantsJson()) printJson(figures, { quick, node: process.version, platformaticVersion: PLATFORMATIC_VERSION, produceVsCeiling: Number((median(produceRuns) / median(ceilingRuns)).toFixed(3)) });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
