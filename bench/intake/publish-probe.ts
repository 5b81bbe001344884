/**
 * `node -r @swc-node/register bench/intake/publish-probe.ts [--client kafkajs|peak] [--seconds 5]
 *   [--concurrency 64] [--in-flight 4] [--broker 127.0.0.1:9092]`
 *
 * The publishing half of intake alone, without HTTP: `--concurrency` loops each publish one
 * OrderCreated through EventPublisher (acks=-1) and wait for it, like that many HTTP
 * connections. Starts a broker process (`npm run broker`, disk) unless `--broker` names one.
 * Prints this process's CPU µs per published event, the broker's, events/s and events per
 * produce request. A diagnostic for profiling the publish path (`node --cpu-prof`).
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Kafka } from 'kafkajs';
import { OrderCreatedEvent, Topics } from '@peak/contracts';
import { Kafka as PeakKafka, logLevel, WireBroker } from '@peak/kafka';
import { EventPublisher, KafkaConnection, messagingConfig } from '@peak/messaging';
import { cpuSeconds, startChild, stopChild, waitTcp } from './processes';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const SECONDS = Number(option('seconds') ?? 5);
const CONCURRENCY = Number(option('concurrency') ?? 64);
const IN_FLIGHT = Number(option('in-flight') ?? 4);
const PORT = 19_490;
const ROOT = path.resolve(__dirname, '../..');
/** Lifetime of the (verified) token each probe event names. */
const TOKEN_TTL_MS = 3_600_000;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peak-publish-probe-'));
  const external = option('broker');
  const broker = external
    ? null
    : await startChild(ROOT, path.join(ROOT, 'scripts/broker/main.ts'), {}, false, {
        args: ['--data-dir', path.join(dir, 'broker'), '--port', String(PORT), '--partitions', '4'],
      });
  try {
    if (broker) await waitTcp('127.0.0.1', PORT);
    process.env.KAFKA_BROKERS = external ?? `127.0.0.1:${PORT}`;
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    const connection = await KafkaConnection.open(messagingConfig());
    await connection.ensureTopics([Topics.OrderCreated], 4);
    const wire = option('client') === 'peak' ? new WireBroker({ brokers: [process.env.KAFKA_BROKERS], clientId: 'publish-probe' }) : null;
    const kafka: Kafka = wire ? (new PeakKafka({ clientId: 'publish-probe', broker: wire, logLevel: logLevel.WARN }) as unknown as Kafka) : connection.kafka;
    const publisher = new EventPublisher(kafka, IN_FLIGHT);
    await publisher.connect();
    let requests = 0;
    const producer = (publisher as unknown as { producer: { sendBatch: (...a: unknown[]) => Promise<unknown> } }).producer;
    const send = producer.sendBatch.bind(producer);
    producer.sendBatch = (...a: unknown[]) => {
      requests += 1;
      return send(...a);
    };
    const event = (i: number): OrderCreatedEvent => ({
      order: {
        orderId: randomUUID(),
        buyerId: `bench-${i % 20_000}`,
        courseId: 'bench-course',
        paymentMethod: 'alipay',
        idempotencyKey: `probe-${i}`,
        createdAtMs: Date.now(),
        expectedPriceCents: 0,
      },
      tokenExpiresAtMs: Date.now() + TOKEN_TTL_MS,
    });
    const run = async (seconds: number): Promise<{ n: number; requests: number; cpuUs: number; brokerCpuUs: number | null }> => {
      const until = Date.now() + seconds * 1000;
      let n = 0;
      const r0 = requests;
      const c0 = process.cpuUsage();
      const b0 = broker ? cpuSeconds(broker.pid as number) : null;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (Date.now() < until) {
            const e = event(n++);
            await publisher.publish(Topics.OrderCreated, e.order.orderId, e);
          }
        }),
      );
      const c1 = process.cpuUsage(c0);
      const b1 = broker ? cpuSeconds(broker.pid as number) : null;
      return { n, requests: requests - r0, cpuUs: c1.user + c1.system, brokerCpuUs: b0 !== null && b1 !== null ? (b1 - b0) * 1e6 : null };
    };
    await run(1);
    const r = await run(SECONDS);
    const line = {
      eventsPerSec: Math.round(r.n / SECONDS),
      clientCpuUsPerEvent: Number((r.cpuUs / r.n).toFixed(1)),
      brokerCpuUsPerEvent: r.brokerCpuUs === null ? null : Number((r.brokerCpuUs / r.n).toFixed(1)),
      eventsPerRequest: Number((r.n / r.requests).toFixed(1)),
    };
    console.log(JSON.stringify(line));
    await publisher.close();
    await wire?.close();
    await connection.close();
  } finally {
    if (broker) await stopChild(broker, (m) => console.error(m));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
