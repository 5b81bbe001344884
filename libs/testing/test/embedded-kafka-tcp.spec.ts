import { Kafka, logLevel } from 'kafkajs';
import { startEmbeddedKafka } from '@peak/testing';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

describe('startEmbeddedKafka with tcp: the real kafkajs package', () => {
  it('produces and consumes over TCP, seen by the in-process helpers too', async () => {
    const ek = await startEmbeddedKafka({ tcp: true, partitions: 3 });
    try {
      expect(ek.brokers).toEqual([`127.0.0.1:${ek.server?.address.port}`]);
      const kafka = new Kafka({ clientId: 'tcp-spec', brokers: ek.brokers, logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'wire', messages: ['x', 'y', 'z'].map((v) => ({ key: v, value: v })) });
      await producer.disconnect();

      const consumer = kafka.consumer({ groupId: 'tcp-group', maxWaitTimeInMs: 50 });
      const seen: string[] = [];
      let all!: () => void;
      const done = new Promise<void>((resolve) => (all = resolve));
      await consumer.connect();
      await consumer.subscribe({ topics: ['wire'], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(String(message.value));
          if (seen.length === 3) all();
        },
      });
      await done;
      await consumer.disconnect(); // commits what it consumed
      expect(seen.sort()).toEqual(['x', 'y', 'z']);

      expect((await ek.waitForMessages('wire', 3)).map((m) => String(m.value)).sort()).toEqual(['x', 'y', 'z']);
      const lag = await ek.consumerLag('tcp-group');
      expect(lag.partitions).toHaveLength(3);
      expect(lag.total).toBe(0);
    } finally {
      await ek.stop();
    }
  });

  it('restart() keeps the port, so kafkajs reconnects to the same address and finds the data', async () => {
    const ek = await startEmbeddedKafka({ tcp: { host: '127.0.0.1' }, dataDir: 'temp' });
    const kafka = new Kafka({ clientId: 'tcp-restart', brokers: ek.brokers, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50 } });
    const producer = kafka.producer();
    try {
      const before = ek.brokers;
      await producer.connect();
      await producer.send({ topic: 'survives', acks: -1, messages: [{ value: 'one' }] });
      await ek.restart();
      expect(ek.brokers).toEqual(before);
      await producer.send({ topic: 'survives', acks: -1, messages: [{ value: 'two' }] });
      expect((await ek.waitForMessages('survives', 2)).map((m) => String(m.value))).toEqual(['one', 'two']);
    } finally {
      await producer.disconnect();
      await ek.stop();
    }
  });
});
