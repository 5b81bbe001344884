import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';
import { Kafka } from '@peak/kafka';
import { encodeRecordBatch } from '@peak/protocol';
import { percentile } from './report';

export const VALUE = Buffer.alloc(100, 'x');

export interface BenchBroker {
  broker: EmbeddedBroker;
  kafka: Kafka;
  dir: string;
  close(): Promise<void>;
}

export async function openBroker(numPartitions = 4): Promise<BenchBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-broker-'));
  const broker = await EmbeddedBroker.start({ dataDir: dir, numPartitions });
  const kafka = new Kafka({ clientId: 'bench', broker, logLevel: 0 });
  return {
    broker,
    kafka,
    dir,
    close: async () => {
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function messages(n: number): Array<{ value: Buffer }> {
  return Array.from({ length: n }, () => ({ value: VALUE }));
}

/** Batched produce: `senders` loops each sending batches of `batchSize` until `total` messages are acked. */
export async function produceBatched(kafka: Kafka, topic: string, total: number, batchSize: number, acks: -1 | 1, senders = 4): Promise<number> {
  const producer = kafka.producer();
  await producer.connect();
  const batch = messages(batchSize);
  let remaining = total;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (remaining > 0) {
        remaining -= batchSize;
        await producer.send({ topic, acks, messages: batch });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return total / seconds;
}

/** One message per send(), `inFlight` sends outstanding at any time. */
export async function produceSingles(kafka: Kafka, topic: string, total: number, inFlight: number): Promise<number> {
  const producer = kafka.producer();
  await producer.connect();
  const one = [{ value: VALUE }];
  let remaining = total;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (remaining-- > 0) await producer.send({ topic, acks: 1, messages: one });
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return total / seconds;
}

/** `producers` separate producers with acks=-1 sending batches of `batchSize` concurrently. */
export async function produceDurable(kafka: Kafka, topic: string, producers: number, sendsEach: number, batchSize: number): Promise<number> {
  const list = await Promise.all(
    Array.from({ length: producers }, async () => {
      const p = kafka.producer();
      await p.connect();
      return p;
    }),
  );
  const batch = messages(batchSize);
  const started = performance.now();
  await Promise.all(list.map(async (p) => {
    for (let i = 0; i < sendsEach; i++) await p.send({ topic, acks: -1, messages: batch });
  }));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(list.map((p) => p.disconnect()));
  return (producers * sendsEach * batchSize) / seconds;
}

/** Consumes `total` messages from the beginning with a fresh group; returns messages/s. */
export async function consumeAll(kafka: Kafka, topic: string, total: number, mode: 'batch' | 'message', fetchSizes: { maxBytes?: number; maxBytesPerPartition?: number } = { maxBytes: 16 << 20, maxBytesPerPartition: 4 << 20 }): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-${mode}-${Math.random().toString(36).slice(2)}`, ...fetchSizes });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let started = 0;
  const done = new Promise<number>((resolve) => {
    const finish = () => resolve(total / ((performance.now() - started) / 1000));
    const onFirst = () => {
      if (started === 0) started = performance.now();
    };
    void consumer.run(
      mode === 'batch'
        ? {
            eachBatch: async ({ batch }) => {
              onFirst();
              seen += batch.messages.length;
              if (seen >= total) finish();
            },
          }
        : {
            eachMessage: async () => {
              onFirst();
              if (++seen >= total) finish();
            },
          },
    );
  });
  const rate = await done;
  await consumer.disconnect();
  return rate;
}

/** Produce → eachMessage latency under light load (one message per millisecond). */
export async function e2eLatency(kafka: Kafka, topic: string, count: number): Promise<{ p50: number; p99: number }> {
  const consumer = kafka.consumer({ groupId: `bench-latency-${Date.now()}`, maxWaitTimeInMs: 1000 });
  const producer = kafka.producer();
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: false });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let joined!: () => void;
  const groupJoined = new Promise<void>((r) => (joined = r));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  const all = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const id = message.value?.toString() ?? '';
        const t = sentAt.get(id);
        if (t !== undefined) latencies.push(performance.now() - t);
        if (latencies.length >= count) resolve();
      },
    });
  });
  await groupJoined;
  // Let the consumer's first fetch park at the log end before measuring.
  await new Promise((r) => setTimeout(r, 200));
  for (let i = 0; i < count; i++) {
    const id = `m${i}`;
    sentAt.set(id, performance.now());
    await producer.send({ topic, acks: 1, messages: [{ value: id }] });
    await new Promise((r) => setTimeout(r, 1));
  }
  await all;
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Plain file append of the same RecordBatch bytes in 64 KiB writes: the disk's ceiling. */
export function rawAppend(total: number, batchSize: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'bench-raw-'));
  const batch = encodeRecordBatch(messages(batchSize));
  const bytesPerMessage = batch.length / batchSize;
  const totalBytes = Math.ceil(total * bytesPerMessage);
  const region = Buffer.concat(Array.from({ length: 16 }, () => batch));
  const CHUNK = 64 * 1024;
  const fd = openSync(join(dir, 'raw.log'), 'w');
  const started = performance.now();
  let written = 0;
  let pos = 0;
  while (written < totalBytes) {
    if (pos + CHUNK > region.length) pos = 0;
    writeSync(fd, region, pos, CHUNK);
    pos += CHUNK;
    written += CHUNK;
  }
  const seconds = (performance.now() - started) / 1000;
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
  return written / bytesPerMessage / seconds;
}

export async function startupMs(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  const started = performance.now();
  const broker = await EmbeddedBroker.start({ dataDir: dir });
  const ms = performance.now() - started;
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
  return ms;
}
