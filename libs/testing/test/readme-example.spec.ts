// The examples of libs/testing/README.md, kept here so they run (keep the two in step).
import { Kafka, logLevel } from 'kafkajs';
import { EmbeddedKafka, startEmbeddedKafka, useEmbeddedKafka } from '@peak/testing';

describe('orders, with the in-process client', () => {
  let embedded: EmbeddedKafka;

  beforeAll(async () => {
    embedded = await startEmbeddedKafka({ topics: [{ topic: 'orders', numPartitions: 3 }] });
  });
  afterAll(() => embedded.stop());

  it('a consumer group receives what a producer sent', async () => {
    const producer = embedded.kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: 'orders', acks: -1, messages: [{ key: 'buyer-1', value: 'order-1' }] });
    await producer.disconnect();

    const consumer = embedded.kafka.consumer({ groupId: 'payment' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const handled = new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
    });
    expect(await handled).toBe('order-1');
    await consumer.disconnect(); // commits what it handled

    expect((await embedded.consumerLag('payment')).total).toBe(0);
  });

  it('waitForMessages reads a topic without a consumer of your own', async () => {
    const producer = embedded.kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'order-events', messages: [{ key: 'o-1', value: JSON.stringify({ status: 'CONFIRMED' }) }] });
    await producer.disconnect();

    const [event] = await embedded.waitForMessages('order-events', 1, { timeoutMs: 5_000 });
    expect(JSON.parse(String(event.value))).toEqual({ status: 'CONFIRMED' });
  });
});

describe('orders, with the real kafkajs over TCP', () => {
  const embedded = useEmbeddedKafka({ tcp: true, partitions: 2 }); // beforeAll + afterAll

  it('kafkajs connects to the listed brokers', async () => {
    const kafka = new Kafka({ clientId: 'my-service', brokers: embedded().brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'orders', messages: [{ key: 'buyer-2', value: 'order-2' }] });
    await producer.disconnect();

    const [message] = await embedded().waitForMessages('orders', 1);
    expect(String(message.value)).toBe('order-2');
  });
});
