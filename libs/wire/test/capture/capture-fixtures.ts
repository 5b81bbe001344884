/**
 * Captures the request frames real clients write, as hex fixtures for the codec tests.
 *
 *   node -r @swc-node/register libs/wire/test/capture/capture-fixtures.ts
 *
 * Runs kafkajs 2.2.4 (admin, idempotent + gzip producer, consumer group) and, when it is
 * installed, kcat (librdkafka) -L/-P/-C/-G through a RecordingProxy in front of a
 * KafkaWireServer over the StubBroker, and writes libs/wire/test/fixtures/<client>-requests.json.
 * The request bytes are the clients' own; the broker behind only has to answer well enough
 * for them to carry on.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaWireServer } from '@peak/wire';
import { RecordingProxy } from '../support/recording-proxy';
import { StubBroker } from '../support/stub-broker';
import { CapturedFrame, FIXTURE_DIR } from '../support/fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Kafka, CompressionTypes, logLevel } = require('kafkajs');

/** Frames kept per (api key, version): enough variety, small files. */
const KEEP_PER_VERSION = 3;

function collect(proxy: RecordingProxy, client: string): CapturedFrame[] {
  const seen = new Map<string, number>();
  const out: CapturedFrame[] = [];
  for (const frame of proxy.frames) {
    if (frame.direction !== 'request') continue;
    const apiKey = frame.body.readInt16BE(0);
    const apiVersion = frame.body.readInt16BE(2);
    const key = `${apiKey}/${apiVersion}`;
    const n = seen.get(key) ?? 0;
    if (n >= KEEP_PER_VERSION) continue;
    seen.set(key, n + 1);
    out.push({ client, apiKey, apiVersion, hex: frame.body.toString('hex') });
  }
  return out.sort((a, b) => a.apiKey - b.apiKey || a.apiVersion - b.apiVersion);
}

async function runKafkajs(bootstrap: string): Promise<void> {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'fixture-kafkajs', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'fixture-topic', numPartitions: 2 }] });
  await admin.createPartitions({ topicPartitions: [{ topic: 'fixture-topic', count: 3 }] }).catch(() => undefined);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: 'fixture-topic', messages: [{ key: 'k1', value: 'v1', headers: { h: 'x' } }, { value: 'v2' }] });
  await producer.send({ topic: 'fixture-topic', compression: CompressionTypes.GZIP, messages: [{ key: 'gz', value: 'zipped' }] });
  const plain = kafka.producer();
  await plain.connect();
  await plain.send({ topic: 'fixture-topic', acks: 0, messages: [{ key: 'k0', value: 'no-ack' }] });
  await plain.disconnect();
  const consumer = kafka.consumer({ groupId: 'fixture-group', heartbeatInterval: 1 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'fixture-topic', fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async () => {
        if (++seen === 3) resolve();
      },
    });
  });
  await consumer.disconnect();
  await admin.fetchTopicOffsets('fixture-topic');
  await admin.fetchOffsets({ groupId: 'fixture-group', topics: ['fixture-topic'] });
  await admin.listGroups();
  await admin.describeGroups(['fixture-group']);
  await admin.deleteGroups(['fixture-group']).catch(() => undefined);
  await admin.deleteTopics({ topics: ['fixture-topic'] });
  await producer.disconnect();
  await admin.disconnect();
}

const execFileAsync = promisify(execFile);

/** Runs kcat without blocking the event loop (the server answering it runs in this process). */
function kcat(args: string[], input?: string): Promise<unknown> {
  const child = execFileAsync('kcat', args, { timeout: 15_000 });
  child.child.stdin?.end(input ?? '');
  return child.catch((error: Error) => console.log(`kcat ${args.join(' ')}: ${error.message}`));
}

async function runKcat(bootstrap: string): Promise<boolean> {
  if (spawnSync('kcat', ['-V']).error) return false;
  const base = ['-b', bootstrap, '-X', 'client.id=fixture-kcat'];
  await kcat([...base, '-L']);
  await kcat([...base, '-P', '-t', 'kcat-topic', '-K', ':'], 'key1:value1\nkey2:value2\n');
  await kcat([...base, '-C', '-t', 'kcat-topic', '-o', 'beginning', '-e']);
  await kcat([...base, '-G', 'kcat-group', 'kcat-topic', '-o', 'beginning', '-e']);
  return true;
}

async function capture(client: string, run: (bootstrap: string) => Promise<boolean | void>): Promise<void> {
  // Clients must come back through the proxy, so the server advertises the proxy's port.
  const proxy = new RecordingProxy();
  const proxyPort = await proxy.start();
  const server = new KafkaWireServer({ broker: new StubBroker(), port: 0, advertisedPort: proxyPort });
  const { port } = await server.start();
  proxy.target = { host: '127.0.0.1', port };
  const ran = await run(`127.0.0.1:${proxyPort}`);
  await proxy.close();
  await server.close();
  if (ran === false) {
    console.log(`${client}: not installed, skipped`);
    return;
  }
  const frames = collect(proxy, client);
  const file = join(FIXTURE_DIR, `${client.split(' ')[0]}-requests.json`);
  writeFileSync(file, JSON.stringify(frames, null, 1) + '\n');
  console.log(`${client}: ${frames.length} frames -> ${file}`);
}

async function main(): Promise<void> {
  await capture('kafkajs 2.2.4', runKafkajs);
  const version = spawnSync('kcat', ['-V']).stdout?.toString().match(/librdkafka [\d.]+/)?.[0] ?? 'librdkafka';
  await capture(`kcat (${version})`, runKcat);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
