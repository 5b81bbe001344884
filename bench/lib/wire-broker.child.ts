/**
 * Child of the wire benchmark: an EmbeddedBroker on a temporary disk data dir behind the
 * Kafka wire server on an ephemeral port. Tells the parent its port, answers `cpu` with
 * its CPU time, and closes on `stop`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';
import { KafkaWireServer } from '@peak/wire';
import { BrokerApi, ProduceRequest, ProduceResponse } from '@peak/protocol';

/** The real broker for everything but produce, which is answered at once and stores nothing. */
function nullProduce(broker: EmbeddedBroker): BrokerApi {
  let offset = 0;
  return new Proxy(broker, {
    get(target, prop, receiver) {
      if (prop !== 'produce') return Reflect.get(target, prop, receiver);
      return async (request: ProduceRequest): Promise<ProduceResponse> => ({
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: (offset += 100), logAppendTimeMs: -1, logStartOffset: 0 })),
        })),
      });
    },
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-wire-'));
  const broker = await EmbeddedBroker.start({ dataDir: dir, numPartitions: 4 });
  // --null: acknowledge produce without storing (kafkajs's own ceiling on this machine).
  const api = process.argv.includes('--null') ? nullProduce(broker) : broker;
  const server = new KafkaWireServer({ broker: api, port: 0 });
  const { port } = await server.start();
  broker.setAdvertisedListener('127.0.0.1', port);
  process.on('message', async (m: { cmd: string }) => {
    if (m.cmd === 'cpu') {
      const u = process.cpuUsage();
      process.send?.({ cpuMs: (u.user + u.system) / 1000 });
    } else if (m.cmd === 'stop') {
      await server.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }
  });
  process.send?.({ port });
}

void main();
