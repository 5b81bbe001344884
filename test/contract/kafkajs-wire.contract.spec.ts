/**
 * Runs the kafkajs contract with the real kafkajs 2.2.4 over TCP against KafkaWireServer
 * in front of an EmbeddedBroker on a temporary data directory, started with @peak/testing.
 * restartBroker() closes the server (dropping every connection) and the broker, then opens
 * both again on the same data directory and port, so kafkajs has to reconnect as it would to
 * a restarted Kafka.
 */
import { startEmbeddedKafka } from '@peak/testing';
import { KafkaLike } from './contract-helpers';
import { runKafkaContract } from './kafka-contract';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Kafka, logLevel } = require('kafkajs');

runKafkaContract({
  name: 'kafkajs 2.2.4 over TCP (KafkaWireServer + EmbeddedBroker on disk)',
  async setup() {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    const embedded = await startEmbeddedKafka({ dataDir: 'temp', autoCreateTopics: true, partitions: 1, tcp: true });
    const kafka = new Kafka({ clientId: 'contract-wire', brokers: embedded.brokers, logLevel: logLevel.NOTHING });
    return {
      kafka: kafka as KafkaLike,
      restartBroker: () => embedded.restart(),
      teardown: () => embedded.stop(),
    };
  },
});
