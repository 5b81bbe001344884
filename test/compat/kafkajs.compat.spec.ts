/** The compatibility scenarios run by the real kafkajs 2.2.4 over TCP (KafkaWireServer + EmbeddedBroker on disk). */
import { startEmbeddedKafka } from '@peak/testing';
import { KafkaLike } from '../contract/contract-helpers';
import { runKafkajsApiScenarios } from './support/kafkajs-api.scenarios';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Kafka, logLevel } = require('kafkajs');

runKafkajsApiScenarios('kafkajs 2.2.4', async () => {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const embedded = await startEmbeddedKafka({ dataDir: 'temp', autoCreateTopics: true, partitions: 1, tcp: true });
  const kafka = new Kafka({ clientId: 'compat-kafkajs', brokers: embedded.brokers, logLevel: logLevel.NOTHING });
  return { kafka: kafka as KafkaLike, teardown: () => embedded.stop() };
});
