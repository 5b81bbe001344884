/**
 * Runs the kafkajs contract against @peak/kafka with an in-process EmbeddedBroker on a
 * temporary data directory. restartBroker() closes the broker and opens a new one on the
 * same directory; the client keeps calling it through a forwarding BrokerApi.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';
import { Kafka } from '@peak/kafka';
import type { BrokerApi } from '@peak/protocol';
import { KafkaLike } from './contract-helpers';
import { runKafkaContract } from './kafka-contract';

/** A BrokerApi that forwards every call to whichever broker is current. */
function forwardingBroker(current: () => BrokerApi): BrokerApi {
  return new Proxy({} as BrokerApi, {
    get: (_target, method: string) => {
      return (...args: unknown[]) => {
        const broker = current() as unknown as Record<string, (...a: unknown[]) => unknown>;
        return broker[method](...args);
      };
    },
  });
}

runKafkaContract({
  name: '@peak/kafka in-process (EmbeddedBroker on disk)',
  async setup() {
    const dataDir = mkdtempSync(join(tmpdir(), 'peak-kafka-contract-'));
    let broker = await EmbeddedBroker.start({ dataDir, autoCreateTopics: true, numPartitions: 1 });
    const kafka = new Kafka({ clientId: 'contract', broker: forwardingBroker(() => broker), logLevel: 1 });
    return {
      kafka: kafka satisfies KafkaLike, // type-checks @peak/kafka against kafkajs's own types
      async restartBroker() {
        await broker.close();
        broker = await EmbeddedBroker.start({ dataDir, autoCreateTopics: true, numPartitions: 1 });
      },
      async teardown() {
        await broker.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
});
