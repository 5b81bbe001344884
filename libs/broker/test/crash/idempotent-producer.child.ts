/**
 * Child process for the idempotence crash test: an embedded broker on `argv[2]` and one
 * idempotent producer writing one-record batches (sequence n, value `s<n>`) with acks=-1,
 * printing `PID <id>` once and `ACK <sequence> <offset>` per acknowledged batch, until killed.
 */
import { EmbeddedBroker } from '@peak/broker';
import { encodeRecordBatch } from '@peak/protocol';

async function main(): Promise<void> {
  const broker = await EmbeddedBroker.start({ dataDir: process.argv[2] });
  await broker.createTopics({ topics: [{ topic: 'idem', numPartitions: 1, replicationFactor: 1, configs: [] }], timeoutMs: 1000, validateOnly: false });
  const { producerId } = await broker.initProducerId({ transactionalId: null, transactionTimeoutMs: 60_000 });
  process.stdout.write(`PID ${producerId}\n`);
  for (let seq = 0; ; seq++) {
    const records = encodeRecordBatch([{ key: null, value: Buffer.from(`s${seq}`) }], { producerId, producerEpoch: 0, baseSequence: seq });
    const res = await broker.produce({ transactionalId: null, acks: -1, timeoutMs: 5000, topics: [{ topic: 'idem', partitions: [{ partition: 0, records }] }] });
    const p = res.topics[0].partitions[0];
    if (p.errorCode !== 0) throw new Error(`produce failed with ${p.errorCode}`);
    process.stdout.write(`ACK ${seq} ${p.baseOffset}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(String(err));
  process.exit(1);
});
