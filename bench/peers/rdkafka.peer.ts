/**
 * Our broker over TCP with librdkafka (kcat): `messages` x 100 B produced from a prepared
 * file with acks=all into a 4-partition topic of the broker process, then read back to
 * /dev/null. Not Node: a reference for what the broker sustains when the client is not the
 * limit. Rates are wall time including kcat's start; no latency row (kcat cannot stamp).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrokerProcess, stopBrokerProcess } from '../lib/broker-process';
import { kcatAvailable, kcatConsume, kcatProduce, writeMessageFile } from '../lib/kcat';
import { createTopic } from '../lib/rdkafka-phase';
import { PEERS_PARTITIONS } from './kafka-session';
import { PeerCase, PeerSession, Workload } from './peer.types';
import { uniqueName } from './workload';

export function rdkafkaCase(messages: number): PeerCase {
  return {
    id: 'ours-tcp-rdkafka-fsync',
    system: 'our broker, over TCP',
    client: 'librdkafka (kcat), not Node',
    ours: 'tcp-native',
    durability: 'fsync',
    setting: `acks=all; ${messages.toLocaleString('en-US')} messages from a file, one kcat process`,
    unavailable: async () => (kcatAvailable() ? null : 'kcat not found on PATH (apt-get install kcat)'),
    async open(): Promise<PeerSession> {
      const dir = mkdtempSync(join(tmpdir(), 'bench-peers-kcat-'));
      const broker = await startBrokerProcess();
      const address = `127.0.0.1:${broker.port}`;
      const topic = uniqueName('peers-rdkafka');
      const file = join(dir, 'messages.txt');
      await createTopic(broker.port, topic, PEERS_PARTITIONS);
      return {
        async produce(w: Workload) {
          writeMessageFile(file, messages, w.messageBytes);
          const run = await kcatProduce(address, topic, file, messages, 'all');
          return { msgsPerSec: run.messages / run.seconds, messages: run.messages };
        },
        async consume(expected: number) {
          const run = await kcatConsume(address, topic);
          if (run.messages !== expected) throw new Error(`kcat read ${run.messages} messages, expected ${expected}`);
          return run.messages / run.seconds;
        },
        latency: async () => null,
        async close() {
          await stopBrokerProcess(broker);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}
