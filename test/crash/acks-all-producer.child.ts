/**
 * Child process for the crash test: opens a disk broker, produces numbered messages with
 * acks=-1 from several concurrent senders, and prints "ACK <first> <last>" to stdout only
 * after each send is acknowledged. The parent kills it with SIGKILL mid-stream.
 */
import { EmbeddedBroker } from '@peak/broker';
import { Kafka } from '@peak/kafka';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  const broker = await EmbeddedBroker.start({ dataDir, numPartitions: 3 });
  const kafka = new Kafka({ clientId: 'crash-child', broker });
  const producer = kafka.producer();
  await producer.connect();
  let next = 0;
  const sender = async () => {
    for (;;) {
      const first = next;
      next += 50;
      const messages = Array.from({ length: 50 }, (_, i) => ({ key: String(first + i), value: `msg-${first + i}` }));
      await producer.send({ topic: 'crash', acks: -1, messages });
      process.stdout.write(`ACK ${first} ${first + 49}\n`);
    }
  };
  process.stdout.write('READY\n');
  await Promise.all(Array.from({ length: 8 }, sender));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
