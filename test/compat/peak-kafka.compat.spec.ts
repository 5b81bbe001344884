/** The compatibility scenarios run by our own @peak/kafka client in-process (EmbeddedBroker on disk). */
import { logLevel } from '@peak/kafka';
import { startEmbeddedKafka } from '@peak/testing';
import { KafkaLike } from '../contract/contract-helpers';
import { runKafkajsApiScenarios } from './support/kafkajs-api.scenarios';

runKafkajsApiScenarios('@peak/kafka in-process', async () => {
  const embedded = await startEmbeddedKafka({ dataDir: 'temp', autoCreateTopics: true, partitions: 1, clientId: 'compat', logLevel: logLevel.ERROR });
  return { kafka: embedded.kafka satisfies KafkaLike, teardown: () => embedded.stop() };
});
