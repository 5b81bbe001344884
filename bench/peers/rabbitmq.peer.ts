/**
 * RabbitMQ (127.0.0.1:5672, guest/guest) with amqplib: a durable quorum queue, persistent
 * messages, publisher confirms (one connection and confirm channel per producer, each
 * message's confirm awaited; `w.inFlight` unconfirmed per producer), read back by a consumer
 * with prefetch 1,000 acknowledging every 100th delivery with `multiple`. A quorum queue
 * confirms once its Raft log entry is fsynced (the WAL syncs batches of writes: group commit).
 */
import { ChannelModel, connect, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { PeerCase, PeerSession, Workload } from './peer.types';
import { ConsumeCounter, fillerMessage, measureLatency, runProducers, uniqueName, withDeadline } from './workload';
import { packageVersion } from '../lib/package-version';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const PREFETCH = 1000;
const ACK_EVERY = 100;
const QUEUE_ARGS = { durable: true, arguments: { 'x-queue-type': 'quorum' } };
const AMQPLIB_VERSION = packageVersion('amqplib');

async function probe(): Promise<string | null> {
  try {
    const c = await withDeadline(connect(URL), 3000, 'connect');
    await c.close();
    return null;
  } catch (err) {
    return `RabbitMQ not reachable at 127.0.0.1:5672 as guest (${(err as Error).message})`;
  }
}

/** Publishes one persistent message and resolves on its confirm (waits for 'drain' when the socket is full). */
async function publishConfirmed(ch: ConfirmChannel, queue: string, value: Buffer): Promise<void> {
  let flushed = true;
  const confirmed = new Promise<void>((resolve, reject) => {
    flushed = ch.sendToQueue(queue, value, { persistent: true }, (err: unknown) => (err ? reject(err instanceof Error ? err : new Error('nacked')) : resolve()));
  });
  if (!flushed) await new Promise((r) => ch.once('drain', r));
  await confirmed;
}

/** Consumes `queue` into `onMessage`, acking every ACK_EVERY-th delivery with allUpTo; returns a stop function. */
async function subscribe(conn: ChannelModel, queue: string, onMessage: (m: ConsumeMessage) => void): Promise<() => Promise<void>> {
  const ch = await conn.createChannel();
  await ch.prefetch(PREFETCH);
  let n = 0;
  let last: ConsumeMessage | null = null;
  const { consumerTag } = await ch.consume(queue, (m) => {
    if (!m) return;
    last = m;
    onMessage(m);
    if (++n % ACK_EVERY === 0) ch.ack(m, true);
  });
  return async () => {
    await ch.cancel(consumerTag);
    if (last && n % ACK_EVERY !== 0) ch.ack(last, true);
    await ch.close();
  };
}

export function rabbitmqCase(): PeerCase {
  return {
    id: 'rabbitmq-quorum',
    system: 'RabbitMQ',
    client: `amqplib ${AMQPLIB_VERSION}`,
    durability: 'fsync',
    setting: 'durable quorum queue, persistent messages, publisher confirms (confirm after the Raft WAL fsync)',
    unavailable: probe,
    async open(): Promise<PeerSession> {
      const queue = uniqueName('peers');
      const latencyQueue = `${queue}-latency`;
      const conns: ChannelModel[] = [];
      const conn = async () => {
        const c = await connect(URL);
        conns.push(c);
        return c;
      };
      const admin = await (await conn()).createChannel();
      await admin.assertQueue(queue, QUEUE_ARGS);
      await admin.assertQueue(latencyQueue, QUEUE_ARGS);

      return {
        async produce(w: Workload) {
          const channels = await Promise.all(Array.from({ length: w.producers }, async () => (await conn()).createConfirmChannel()));
          const value = fillerMessage(w.messageBytes);
          return runProducers(w, async (p, batch) => {
            await Promise.all(Array.from({ length: batch }, () => publishConfirmed(channels[p], queue, value)));
          });
        },

        async consume(expected: number) {
          const counter = new ConsumeCounter(expected);
          const stop = await subscribe(await conn(), queue, () => counter.add(1));
          const rate = await counter.done;
          await stop();
          return rate;
        },

        async latency(w: Workload) {
          const ch = await (await conn()).createConfirmChannel();
          const consumerConn = await conn();
          return measureLatency(
            w,
            (onValue) => subscribe(consumerConn, latencyQueue, (m) => onValue(m.content)),
            (value) => publishConfirmed(ch, latencyQueue, value),
          );
        },

        async close() {
          await admin.deleteQueue(queue);
          await admin.deleteQueue(latencyQueue);
          await Promise.all(conns.map((c) => c.close()));
        },
      };
    },
  };
}
