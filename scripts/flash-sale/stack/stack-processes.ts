import type { ChildSpec } from './child-process';
import type { StackSettings } from './stack.types';

/** Orders not final this long after intake are rejected TIMEOUT by the sweeper. */
const SIMULATION_ORDER_DEADLINE_MS = 300_000;
/** p99 of the simulated gateway latency, as a multiple of its median. */
const GATEWAY_P99_FACTOR = 4;
/**
 * Niceness of the downstream processes on one machine: the order service (and the broker it
 * writes to) get the CPU first when both cores are busy, as they would have machines of their
 * own in a real deployment. The downstream still runs at its capacity whenever a core is free.
 */
export const DOWNSTREAM_NICE = 10;

/** Ports and addresses the processes of one stack use (all on 127.0.0.1). */
export interface StackAddresses {
  /** host:port of the broker's Kafka listener (processes topology), or the port the all-in-one app opens for it. */
  brokerPort: number;
  orderServicePort: number;
  aggregatorPort: number;
  authPort: number;
  courseValidationPort: number;
  paymentPort: number;
  databaseUrl: string;
  jwtSecret: string;
  brokerDataDir: string;
}

const url = (port: number): string => `http://127.0.0.1:${port}`;

/** The environment every service reads (docs/order-pipeline.md, configuration). */
function commonEnv(s: StackSettings, a: StackAddresses): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    DATABASE_URL: a.databaseUrl,
    JWT_SECRET: a.jwtSecret,
    TOPIC_PARTITIONS: String(s.partitions),
    CONSUMER_MEMBERS: String(s.consumersPerService),
    ORDER_INTAKE_MODE: s.mode,
    DIRECT_TIMEOUT_MS: String(s.directTimeoutMs),
    ORDER_DEADLINE_MS: String(SIMULATION_ORDER_DEADLINE_MS),
  };
}

/** Capacity of each downstream stage, as the services read it. */
export function capacityEnv(s: StackSettings): Record<string, string> {
  const half = s.capacities.paymentPerSec / 2;
  const gateway = (method: 'ALIPAY' | 'WECHAT', rps: number): Record<string, string> => ({
    [`PAYMENT_${method}_RPS`]: String(Math.max(1, Math.round(rps))),
    [`PAYMENT_${method}_CONCURRENCY`]: '0',
    [`PAYMENT_${method}_LATENCY_MEDIAN_MS`]: String(s.payment.latencyMs),
    [`PAYMENT_${method}_LATENCY_P99_MS`]: String(s.payment.latencyMs * GATEWAY_P99_FACTOR),
    [`PAYMENT_${method}_FAILURE_RATE`]: String(s.payment.failureRate),
  });
  return {
    AUTH_CHECK_RPS: String(s.capacities.authPerSec),
    AUTH_CHECK_CONCURRENCY: '0',
    COURSE_CHECK_RPS: String(s.capacities.coursePerSec),
    COURSE_CHECK_CONCURRENCY: '0',
    ...gateway('ALIPAY', Math.ceil(half)),
    ...gateway('WECHAT', Math.floor(half) || 1),
  };
}

/**
 * The processes of the `processes` topology, in start order groups: the broker first, then
 * order-service's intake (it runs the orders migrations), then the rest together. Each
 * service is started by its own entry point (apps/<app>/src/main.ts) and talks to the others
 * only through the broker (KAFKA_BROKERS, the Kafka wire protocol) and, in direct mode, HTTP.
 * order-service runs as two processes of the same app: the HTTP intake (no consumer group)
 * and the aggregator (its consumer group), like a web and a worker deployment.
 */
export function processesTopology(s: StackSettings, a: StackAddresses): ChildSpec[][] {
  const common = {
    ...commonEnv(s, a),
    ...capacityEnv(s),
    KAFKA_BROKERS: `127.0.0.1:${a.brokerPort}`,
    // Our own client over TCP: a quarter of kafkajs's CPU per message (docs/benchmarks.md).
    KAFKA_CLIENT: 'peak',
    AUTH_URL: url(a.authPort),
    COURSE_VALIDATION_URL: url(a.courseValidationPort),
    PAYMENT_URL: url(a.paymentPort),
  };
  const broker: ChildSpec = {
    role: 'broker',
    entry: 'scripts/broker/main.ts',
    args: ['--port', String(a.brokerPort), '--data-dir', a.brokerDataDir, '--partitions', String(s.partitions)],
    env: {},
    nice: 0,
  };
  const intake: ChildSpec = {
    role: 'order-service',
    entry: 'apps/order-service/src/main.ts',
    env: { ...common, PORT: String(a.orderServicePort), CONSUMER_GROUPS: 'none' },
    nice: 0,
  };
  const downstream: ChildSpec[] = [
    {
      role: 'order-aggregator',
      entry: 'apps/order-service/src/main.ts',
      env: { ...common, PORT: String(a.aggregatorPort), CONSUMER_GROUPS: 'order-service' },
      nice: DOWNSTREAM_NICE,
    },
    { role: 'auth', entry: 'apps/auth/src/main.ts', env: { ...common, AUTH_PORT: String(a.authPort) }, nice: DOWNSTREAM_NICE },
    {
      role: 'course-validation',
      entry: 'apps/course-validation/src/main.ts',
      env: { ...common, COURSE_VALIDATION_PORT: String(a.courseValidationPort) },
      nice: DOWNSTREAM_NICE,
    },
    { role: 'payment', entry: 'apps/payment/src/main.ts', env: { ...common, PAYMENT_PORT: String(a.paymentPort) }, nice: DOWNSTREAM_NICE },
  ];
  return [[broker], [intake], downstream];
}

/**
 * The `single` topology: every service and the embedded broker in one process (`npm start`'s
 * all-in-one app), which also opens a Kafka listener so the simulation can read lag and audit
 * the intake topic from outside.
 */
export function singleTopology(s: StackSettings, a: StackAddresses): ChildSpec[][] {
  return [
    [
      {
        role: 'all',
        entry: 'apps/all-in-one/src/main.ts',
        env: {
          ...commonEnv(s, a),
          ...capacityEnv(s),
          PORT: String(a.orderServicePort),
          BROKER_STORAGE: 'disk',
          BROKER_DATA_DIR: a.brokerDataDir,
          BROKER_PORT: String(a.brokerPort),
        },
        nice: 0,
      },
    ],
  ];
}
