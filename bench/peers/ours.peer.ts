/**
 * Our broker's rows in bench:peers: in-process (@peak/kafka on an EmbeddedBroker with a disk
 * data dir in the benchmark process) and over TCP against the broker in its own process
 * (wire-broker.child.ts), with the kafkajs package and with @peak/kafka on a WireBroker (the
 * client the services use with KAFKA_CLIENT=peak). acks=-1 waits for the partition's
 * group-commit fdatasync; acks=1 acknowledges once the batch is written to the OS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka as KafkaJs, logLevel as kafkajsLogLevel } from 'kafkajs';
import { EmbeddedBroker } from '@peak/broker';
import { Kafka as PeakKafka, logLevel as peakLogLevel, WireBroker } from '@peak/kafka';
import { startBrokerProcess, stopBrokerProcess } from '../lib/broker-process';
import { openKafkaSession } from './kafka-session';
import { Durability, PeerCase, PeerSession, Workload } from './peer.types';
import { packageVersion } from '../lib/package-version';

const KAFKAJS_VERSION = packageVersion('kafkajs');

function durabilityOf(acks: -1 | 1): { durability: Durability; setting: string } {
  return acks === -1
    ? { durability: 'fsync', setting: 'acks=-1: group-commit fdatasync per partition before the ack' }
    : { durability: 'none', setting: 'acks=1: ack once written to the OS, fsync on segment roll/close' };
}

const available = async (): Promise<string | null> => null;

function inProcess(acks: -1 | 1, producers: number): PeerCase {
  return {
    id: `ours-inprocess-${acks === -1 ? 'fsync' : 'nofsync'}`,
    system: 'our broker, in-process',
    client: '@peak/kafka → EmbeddedBroker (disk)',
    ours: 'in-process',
    ...durabilityOf(acks),
    unavailable: available,
    async open(): Promise<PeerSession> {
      const dir = mkdtempSync(join(tmpdir(), 'bench-peers-'));
      const broker = await EmbeddedBroker.start({ dataDir: dir, numPartitions: 1 });
      const client = new PeakKafka({ clientId: 'bench-peers', broker, logLevel: peakLogLevel.NOTHING }) as unknown as KafkaJs;
      return openKafkaSession({
        clients: Array.from({ length: producers }, () => client),
        acks,
        onClose: async () => {
          await broker.close();
          rmSync(dir, { recursive: true, force: true });
        },
      });
    },
  };
}

type TcpClient = 'kafkajs' | 'peak';

function overTcp(client: TcpClient, acks: -1 | 1, producers: number): PeerCase {
  return {
    id: `ours-tcp-${client}-${acks === -1 ? 'fsync' : 'nofsync'}`,
    system: 'our broker, over TCP',
    client: client === 'kafkajs' ? `kafkajs ${KAFKAJS_VERSION}` : '@peak/kafka on WireBroker',
    ours: 'tcp',
    ...durabilityOf(acks),
    unavailable: available,
    async open(): Promise<PeerSession> {
      const broker = await startBrokerProcess();
      const brokers = [`127.0.0.1:${broker.port}`];
      const wires: WireBroker[] = [];
      const makeClient = (i: number): KafkaJs => {
        const clientId = `bench-peers-${i}`;
        if (client === 'kafkajs') return new KafkaJs({ clientId, brokers, logLevel: kafkajsLogLevel.NOTHING });
        const wire = new WireBroker({ brokers, clientId });
        wires.push(wire);
        return new PeakKafka({ clientId, broker: wire, logLevel: peakLogLevel.NOTHING }) as unknown as KafkaJs;
      };
      return openKafkaSession({
        clients: Array.from({ length: producers }, (_, i) => makeClient(i)),
        acks,
        onClose: async () => {
          await Promise.all(wires.map((w) => w.close()));
          await stopBrokerProcess(broker);
        },
      });
    },
  };
}

/** In-process: one client, a producer per workload producer; over TCP: a client (connections) per producer. */
export function oursCases(w: Workload): PeerCase[] {
  const n = w.producers;
  return [inProcess(-1, n), inProcess(1, n), overTcp('kafkajs', -1, n), overTcp('peak', -1, n), overTcp('peak', 1, n)];
}
