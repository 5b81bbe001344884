import { decodeEvent, OrderCreatedEvent, Topics } from '@peak/contracts';
import { EmbeddedKafka, startEmbeddedKafka } from '@peak/testing';
import { MessagingConfig, messagingConfig } from '../config/messaging.config';
import { EventPublisher } from '../publisher/event-publisher';
import { KafkaConnection } from './kafka-connection';

const event: OrderCreatedEvent = {
  order: { orderId: 'o-1', buyerId: 'b-1', courseId: 'c-1', paymentMethod: 'alipay', idempotencyKey: 'k-1', createdAtMs: 1_700_000_000_000, expectedPriceCents: 0 },
  tokenExpiresAtMs: 1_700_003_600_000,
};

describe('KafkaConnection with KAFKA_CLIENT=peak (our client over TCP)', () => {
  let embedded: EmbeddedKafka;

  beforeAll(async () => {
    embedded = await startEmbeddedKafka({ tcp: true, partitions: 1 });
  });
  afterAll(async () => {
    await embedded?.stop();
  });

  it('creates the topics and publishes with acks=-1 to the broker at KAFKA_BROKERS', async () => {
    const config: MessagingConfig = { ...messagingConfig(), brokers: embedded.brokers, client: 'peak' };
    const connection = await KafkaConnection.open(config);
    const publisher = new EventPublisher(connection.kafka);
    try {
      await connection.ensureTopics([Topics.OrderCreated], 2);
      const described = await embedded.broker.metadata({ topics: [Topics.OrderCreated], allowAutoTopicCreation: false });
      expect(described.topics[0].partitions).toHaveLength(2);
      await publisher.connect();
      await publisher.publish(Topics.OrderCreated, 'o-1', event);
      const [received] = await embedded.waitForMessages(Topics.OrderCreated, 1);
      expect(decodeEvent(Topics.OrderCreated, received.value, received.headers)).toEqual(event);
    } finally {
      await publisher.close();
      await connection.close();
    }
  });

  it('reads KAFKA_CLIENT (kafkajs unless set) and refuses other values', () => {
    const before = process.env.KAFKA_CLIENT;
    try {
      delete process.env.KAFKA_CLIENT;
      expect(messagingConfig().client).toBe('kafkajs');
      process.env.KAFKA_CLIENT = 'peak';
      expect(messagingConfig().client).toBe('peak');
      process.env.KAFKA_CLIENT = 'librdkafka';
      expect(() => messagingConfig()).toThrow(/KAFKA_CLIENT/);
    } finally {
      if (before === undefined) delete process.env.KAFKA_CLIENT;
      else process.env.KAFKA_CLIENT = before;
    }
  });
});
