/**
 * The peers workload through any client with kafkajs 2.2.4's API: the kafkajs package over
 * TCP, or @peak/kafka (in-process, or over TCP on a WireBroker). Each producer sends batches
 * of `w.batch` messages to its own partition (producer i → partition i mod 4, as a sticky
 * partitioner would), so one request carries one batch for one partition.
 */
import type { Kafka } from 'kafkajs';
import { PeerSession, Workload } from './peer.types';
import { ConsumeCounter, fillerMessage, measureLatency, runProducers, uniqueName } from './workload';

export const PEERS_PARTITIONS = 4;

export interface KafkaSessionOptions {
  /** One client per producer (separate connections over TCP); index 0 also admins and consumes. */
  clients: Kafka[];
  acks: -1 | 1;
  /** Called after the topics were deleted and the clients' producers/consumers closed. */
  onClose?: () => Promise<void>;
}

export async function openKafkaSession(o: KafkaSessionOptions): Promise<PeerSession> {
  const topic = uniqueName('peers');
  const latencyTopic = `${topic}-latency`;
  const admin = o.clients[0].admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PEERS_PARTITIONS }, { topic: latencyTopic, numPartitions: 1 }] });
  const producers = await Promise.all(
    o.clients.map(async (client) => {
      const p = client.producer();
      await p.connect();
      return p;
    }),
  );
  const groupId = (what: string) => uniqueName(`peers-${what}`);

  return {
    async produce(w: Workload) {
      const value = fillerMessage(w.messageBytes);
      const batches = producers.map((_, i) => Array.from({ length: w.batch }, () => ({ value, partition: i % PEERS_PARTITIONS })));
      return runProducers(w, async (p) => {
        await producers[p % producers.length].send({ topic, acks: o.acks, messages: batches[p % producers.length] });
      });
    },

    async consume(messages: number) {
      const consumer = o.clients[0].consumer({ groupId: groupId('consume'), maxBytes: 16 << 20, maxBytesPerPartition: 4 << 20, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const counter = new ConsumeCounter(messages);
      await consumer.run({ eachBatch: async ({ batch }) => counter.add(batch.messages.length) });
      const rate = await counter.done;
      await consumer.disconnect();
      return rate;
    },

    async latency(w: Workload) {
      const producer = producers[0];
      return measureLatency(
        w,
        async (onValue) => {
          const consumer = o.clients[0].consumer({ groupId: groupId('latency'), maxWaitTimeInMs: 100 });
          await consumer.connect();
          await consumer.subscribe({ topic: latencyTopic, fromBeginning: true });
          await consumer.run({ eachMessage: async ({ message }) => {
              if (message.value) onValue(message.value);
            },
          });
          return () => consumer.disconnect();
        },
        (value) => producer.send({ topic: latencyTopic, acks: o.acks, messages: [{ value }] }),
      );
    },

    async close() {
      await Promise.all(producers.map((p) => p.disconnect()));
      await admin.deleteTopics({ topics: [topic, latencyTopic] });
      await admin.disconnect();
      await o.onClose?.();
    },
  };
}
