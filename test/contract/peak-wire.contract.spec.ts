/**
 * Runs the kafkajs contract against @peak/kafka over TCP: WireBroker (BrokerApi over the
 * Kafka wire protocol) in front of KafkaWireServer + EmbeddedBroker on a temporary data
 * directory, started with @peak/testing. restartBroker() drops every connection and reopens
 * the broker on the same directory and port, so the client has to reconnect.
 */
import { Kafka, logLevel, WireBroker } from '@peak/kafka';
import { startEmbeddedKafka } from '@peak/testing';
import { KafkaLike } from './contract-helpers';
import { runKafkaContract } from './kafka-contract';

runKafkaContract({
  name: '@peak/kafka over TCP (WireBroker -> KafkaWireServer + EmbeddedBroker on disk)',
  async setup() {
    const embedded = await startEmbeddedKafka({ dataDir: 'temp', autoCreateTopics: true, partitions: 1, tcp: true });
    const broker = new WireBroker({ brokers: embedded.brokers, clientId: 'contract-peak-wire' });
    const kafka = new Kafka({ clientId: 'contract-peak-wire', broker, logLevel: logLevel.NOTHING });
    return {
      kafka: kafka satisfies KafkaLike,
      restartBroker: () => embedded.restart(),
      teardown: async () => {
        await broker.close();
        await embedded.stop();
      },
    };
  },
});
