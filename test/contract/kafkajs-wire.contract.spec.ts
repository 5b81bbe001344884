/**
 * Runs the kafkajs contract with the real kafkajs 2.2.4 over TCP against KafkaWireServer
 * in front of an EmbeddedBroker on a temporary data directory. restartBroker() closes the
 * server (dropping every connection) and the broker, then opens both again on the same
 * data directory and port, so kafkajs has to reconnect as it would to a restarted Kafka.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';
import { KafkaWireServer } from '@peak/wire';
import { KafkaLike } from './contract-helpers';
import { runKafkaContract } from './kafka-contract';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Kafka, logLevel } = require('kafkajs');

runKafkaContract({
  name: 'kafkajs 2.2.4 over TCP (KafkaWireServer + EmbeddedBroker on disk)',
  async setup() {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    const dataDir = mkdtempSync(join(tmpdir(), 'peak-wire-contract-'));
    const open = async (port: number) => {
      const broker = await EmbeddedBroker.start({ dataDir, autoCreateTopics: true, numPartitions: 1 });
      const server = new KafkaWireServer({ broker, port });
      const address = await server.start();
      broker.setAdvertisedListener(server.advertisedAddress.host, server.advertisedAddress.port);
      return { broker, server, port: address.port };
    };
    let current = await open(0);
    const kafka = new Kafka({ clientId: 'contract-wire', brokers: [`127.0.0.1:${current.port}`], logLevel: logLevel.NOTHING });
    return {
      kafka: kafka as KafkaLike,
      async restartBroker() {
        await current.server.close();
        await current.broker.close();
        current = await open(current.port);
      },
      async teardown() {
        await current.server.close();
        await current.broker.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
});
