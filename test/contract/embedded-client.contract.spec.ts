/**
 * Runs the kafkajs contract against @peak/kafka with an in-process EmbeddedBroker on a
 * temporary data directory, started with @peak/testing. restartBroker() closes the broker and
 * opens a new one on the same directory; the helper's client keeps calling whichever is current.
 */
import { logLevel } from '@peak/kafka';
import { startEmbeddedKafka } from '@peak/testing';
import { KafkaLike } from './contract-helpers';
import { runKafkaContract } from './kafka-contract';

runKafkaContract({
  name: '@peak/kafka in-process (EmbeddedBroker on disk)',
  async setup() {
    const embedded = await startEmbeddedKafka({ dataDir: 'temp', autoCreateTopics: true, partitions: 1, clientId: 'contract', logLevel: logLevel.ERROR });
    return {
      kafka: embedded.kafka satisfies KafkaLike, // type-checks @peak/kafka against kafkajs's own types
      restartBroker: () => embedded.restart(),
      teardown: () => embedded.stop(),
    };
  },
});
