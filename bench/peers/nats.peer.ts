/**
 * NATS JetStream (127.0.0.1:4222) with the `nats` client: a stream with file storage, one
 * connection per producer publishing with acks (`js.publish` resolves on the stream's
 * PubAck; `w.inFlight` outstanding per producer), read back by a durable pull consumer
 * (`consume()` pulling 1,000 at a time, ack policy `all`: one ack per batch acknowledges
 * everything before it). JetStream answers the PubAck once the message is written to its
 * file block, without an fsync: the server syncs on its own schedule (documented as
 * `sync_interval`, 2 minutes by default), so this is the "no fsync before ack" class.
 */
import { AckPolicy, connect, ConsumerMessages, JsMsg, NatsConnection, StorageType } from 'nats';
import { PeerCase, PeerSession, Workload } from './peer.types';
import { ConsumeCounter, fillerMessage, measureLatency, runProducers, uniqueName, withDeadline } from './workload';
import { packageVersion } from '../lib/package-version';

const SERVERS = '127.0.0.1:4222';
const PULL_BATCH = 1000;
const NATS_VERSION = packageVersion('nats');

async function probe(): Promise<string | null> {
  try {
    const nc = await withDeadline(connect({ servers: SERVERS, reconnect: false, timeout: 2000 }), 3000, 'connect');
    try {
      await (await nc.jetstreamManager()).getAccountInfo();
      return null;
    } finally {
      await nc.close();
    }
  } catch (err) {
    return `NATS JetStream not reachable at ${SERVERS} (${(err as Error).message})`;
  }
}

function asBuffer(m: JsMsg): Buffer {
  return Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
}

/** Runs `onMessage` over a pull consumer's messages, acking every PULL_BATCH-th (ack policy all). */
async function drain(messages: ConsumerMessages, onMessage: (m: JsMsg) => void): Promise<void> {
  let n = 0;
  for await (const m of messages) {
    onMessage(m);
    if (++n % PULL_BATCH === 0) m.ack();
  }
}

export function natsCase(): PeerCase {
  return {
    id: 'nats-jetstream-file',
    system: 'NATS JetStream',
    client: `nats ${NATS_VERSION}`,
    durability: 'none',
    setting: 'file storage, 1 replica, acked publish; server default sync (no fsync before the PubAck)',
    unavailable: probe,
    async open(): Promise<PeerSession> {
      const name = uniqueName('peers').replace(/-/g, '_');
      const subject = `${name}.data`;
      const latencySubject = `${name}.latency`;
      const conns: NatsConnection[] = [];
      const conn = async () => {
        const nc = await connect({ servers: SERVERS });
        conns.push(nc);
        return nc;
      };
      const admin = await conn();
      const jsm = await admin.jetstreamManager();
      await jsm.streams.add({ name, subjects: [subject], storage: StorageType.File, num_replicas: 1 });
      await jsm.streams.add({ name: `${name}_latency`, subjects: [latencySubject], storage: StorageType.File, num_replicas: 1 });

      const pull = async (stream: string, durable: string) => {
        await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.All });
        return (await admin.jetstream().consumers.get(stream, durable)).consume({ max_messages: PULL_BATCH });
      };

      return {
        async produce(w: Workload) {
          const producers = await Promise.all(Array.from({ length: w.producers }, async () => (await conn()).jetstream()));
          const value = fillerMessage(w.messageBytes);
          return runProducers(w, async (p, batch) => {
            const js = producers[p];
            await Promise.all(Array.from({ length: batch }, () => js.publish(subject, value)));
          });
        },

        async consume(expected: number) {
          const messages = await pull(name, 'consume');
          const counter = new ConsumeCounter(expected);
          const loop = drain(messages, (m) => {
            counter.add(1);
            if (counter.count === expected) m.ack();
          });
          const rate = await counter.done;
          await messages.close();
          await loop;
          return rate;
        },

        async latency(w: Workload) {
          const js = (await conn()).jetstream();
          return measureLatency(
            w,
            async (onValue) => {
              const messages = await pull(`${name}_latency`, 'latency');
              const loop = drain(messages, (m) => onValue(asBuffer(m)));
              return async () => {
                await messages.close();
                await loop;
              };
            },
            (value) => js.publish(latencySubject, value),
          );
        },

        async close() {
          await jsm.streams.delete(name);
          await jsm.streams.delete(`${name}_latency`);
          await Promise.all(conns.map((nc) => nc.close()));
        },
      };
    },
  };
}
