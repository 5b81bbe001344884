import type { INestApplicationContext } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EmbeddedBroker } from '@peak/broker';
import { Kafka as PeakKafka, logLevel } from '@peak/kafka';
import { messagingConfig } from '../config/messaging.config';
import { ConsumerHealth } from '../health/consumer-health';
import { KAFKA_CLIENT } from '../messaging.module';
import { DeliveryStats } from '../stats/delivery-stats';
import { createPeakKafkaServer } from './create-server';
import type { PeakKafkaServer } from './peak-kafka.server';

const TOPIC = 'burst';
const GROUP = 'downstream';
const EVENTS = 60;
/** Value size: EVENTS of them are well past MIN_BYTES, a handful are not. */
const VALUE_BYTES = 100;
const MIN_BYTES = 2_000;

/** Just enough of a Nest application context for createPeakKafkaServer. */
function appContext(kafka: Kafka): INestApplicationContext {
  const providers = new Map<unknown, unknown>([
    [messagingConfig.KEY, messagingConfig()],
    [DeliveryStats, new DeliveryStats()],
    [ConsumerHealth, new ConsumerHealth()],
    [KAFKA_CLIENT, kafka],
  ]);
  return { get: (token: unknown) => providers.get(token) } as unknown as INestApplicationContext;
}

describe('createPeakKafkaServer', () => {
  const saved = { ...process.env };
  let broker: EmbeddedBroker;
  let server: PeakKafkaServer | null = null;

  beforeEach(async () => {
    broker = await EmbeddedBroker.start({ numPartitions: 1 });
  });
  afterEach(async () => {
    await server?.close();
    server = null;
    await broker.close();
    process.env = { ...saved };
  });

  it("gives the services' consumers CONSUMER_FETCH_MIN_BYTES: a caught-up consumer takes a burst many events per fetch", async () => {
    process.env.CONSUMER_FETCH_MIN_BYTES = String(MIN_BYTES);
    process.env.CONSUMER_FETCH_MAX_WAIT_MS = '20000';
    process.env.CONSUMER_MEMBERS = '1';
    const kafka = new PeakKafka({ clientId: 'spec', broker, logLevel: logLevel.NOTHING }) as unknown as Kafka;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });

    let produced = 0;
    /** For each handled event, how many events had been produced when it was handled. */
    const producedWhenHandled: number[] = [];
    server = createPeakKafkaServer(appContext(kafka), GROUP, { decode: (_topic, m) => m.value });
    server.addHandler(TOPIC, async () => void producedWhenHandled.push(produced), true);
    await new Promise<void>((resolve, reject) => void server!.listen((err?: unknown) => (err ? reject(err) : resolve())));
    const deadline = Date.now() + 10_000;
    while ((await admin.describeGroups([GROUP])).groups[0]?.state !== 'Stable') {
      if (Date.now() > deadline) throw new Error('the group never became stable');
      await new Promise((r) => setTimeout(r, 20));
    }

    // Events trickle in one at a time, each acknowledged before the next is sent.
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < EVENTS; i++) {
      await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: Buffer.alloc(VALUE_BYTES, i) }] });
      produced++;
      // A turn of the event loop between events, as between requests arriving over the network.
      await new Promise((r) => setImmediate(r));
    }
    while (producedWhenHandled.length < EVENTS && Date.now() < deadline + 20_000) await new Promise((r) => setTimeout(r, 20));
    await producer.disconnect();
    await admin.disconnect();

    expect(producedWhenHandled).toHaveLength(EVENTS);
    // With fetch.min.bytes 1 the first event is handled as soon as it is there; here the
    // broker held the fetch until MIN_BYTES had arrived.
    expect(producedWhenHandled[0]).toBeGreaterThanOrEqual(MIN_BYTES / (VALUE_BYTES + 100));
  });
});
