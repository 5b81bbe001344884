import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { startChild, stopChild, waitHttp, waitTcp } from './processes';

/** Partitions of the pipeline topics on the separate broker, as every service defaults to. */
const TOPIC_PARTITIONS = 4;

export interface ServiceRouteSettings {
  root: string;
  /** Temporary directory: the broker's log and, without a DATABASE_URL, order-service's embedded PostgreSQL. */
  dir: string;
  port: number;
  brokerPort: number;
  /** Port of order-service's own embedded PostgreSQL (used when `databaseUrl` is unset). */
  pgPort: number;
  databaseUrl?: string;
  secret: string;
  /** order-service's Kafka client (KAFKA_CLIENT): our own over TCP, or the kafkajs package. */
  client: 'peak' | 'kafkajs';
  /** Write a V8 CPU profile of order-service into this directory when it exits (`--cpu-prof`). */
  cpuProfDir?: string;
}

/** order-service serving intake alone, and the broker process it publishes to. */
export interface ServiceRoute {
  url: string;
  servicePid: number;
  brokerPid: number;
  stop(): Promise<void>;
}

/**
 * Starts the real topology of intake: the broker in its own process (`npm run broker`, Kafka
 * wire protocol, log on disk) and order-service in its own process as an HTTP-only replica
 * (`CONSUMER_GROUPS=none`, `KAFKA_BROKERS` and `KAFKA_CLIENT` set, so it publishes with acks=-1
 * over TCP). Its
 * database is only opened at start-up (migrations, health); intake never touches it.
 */
export async function startServiceRoute(s: ServiceRouteSettings, log: (msg: string) => void): Promise<ServiceRoute> {
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) await stopChild(child, log);
  };
  try {
    const broker = await startChild(s.root, path.join(s.root, 'scripts/broker/main.ts'), {}, false, {
      args: ['--data-dir', path.join(s.dir, 'service-broker'), '--port', String(s.brokerPort), '--partitions', String(TOPIC_PARTITIONS)],
    });
    children.push(broker);
    await waitTcp('127.0.0.1', s.brokerPort);
    const service = await startChild(
      s.root,
      path.join(s.root, 'apps/order-service/src/main.ts'),
      {
        PORT: String(s.port),
        HOST: '127.0.0.1',
        JWT_SECRET: s.secret,
        KAFKA_BROKERS: `127.0.0.1:${s.brokerPort}`,
        KAFKA_CLIENT: s.client,
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        CONSUMER_GROUPS: 'none',
        TOPIC_PARTITIONS: String(TOPIC_PARTITIONS),
        ...(s.databaseUrl ? { DATABASE_URL: s.databaseUrl } : { EMBEDDED_PG_DIR: path.join(s.dir, 'service-pg'), EMBEDDED_PG_PORT: String(s.pgPort) }),
      },
      false,
      { nodeArgs: s.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', s.cpuProfDir] : [] },
    );
    children.push(service);
    await waitHttp(`http://127.0.0.1:${s.port}/health`);
    return { url: `http://127.0.0.1:${s.port}/orders`, servicePid: service.pid as number, brokerPid: broker.pid as number, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
