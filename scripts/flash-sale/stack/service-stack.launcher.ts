import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import * as bcrypt from 'bcryptjs';
import { Pool } from 'pg';
import { EmbeddedBroker } from '@peak/broker';
import { ConsumerGroups } from '@peak/contracts';
import { createPeakKafkaServer, KafkaConnection } from '@peak/messaging';
import { configureHttpApp, createFastifyAdapter } from '@peak/platform';
import { PlatformModule } from '../../../apps/all-in-one/src/platform.module';
import { TokensService } from '../../../apps/auth/src/login/tokens.service';
import { RunDatabaseServer } from './run-database';
import { makeTempDir, removeTempDir } from './temp-dirs';
import { SqlBrokerProbe } from './stack-probe';
import type { RunningStack, StackLauncher, StackSettings } from './stack.types';

/** Id of the seeded flash-sale course. */
export const FLASH_SALE_COURSE_ID = 'flash-sale-sim';
export const FLASH_SALE_PRICE_CENTS = 990;
/** Password of every seeded buyer (`buyer-<n>`). */
export const BUYER_PASSWORD = 'buyer-pass';
/** bcrypt cost of the seeded buyers' hash: low, the simulation is about orders, not logins. */
const BUYER_BCRYPT_ROUNDS = 4;
/** Buyers who log in over real HTTP (POST /auth/login); the rest get their token from auth's TokensService. */
export const HTTP_LOGINS = 200;
const LOGIN_CONCURRENCY = 16;
/** Orders not final this long after intake are rejected TIMEOUT by the sweeper. */
const SIMULATION_ORDER_DEADLINE_MS = 300_000;
/** p99 of the simulated gateway latency, as a multiple of its median. */
const GATEWAY_P99_FACTOR = 4;

/**
 * Boots the real stack in this process, one fresh one per run: an embedded broker on disk
 * (temporary dir), a fresh database (embedded PostgreSQL unless DATABASE_URL is set) and
 * every service (PlatformModule, as `npm start`) on an ephemeral 127.0.0.1 port. Seeds the
 * flash-sale course and the buyers, who log in. Runs one after another, never concurrently
 * (configuration goes through process.env, as for `npm start`).
 */
export class ServiceStackLauncher implements StackLauncher {
  private databases: RunDatabaseServer | null = null;
  /** Stop functions of stacks started and not stopped yet. */
  private readonly running = new Set<() => Promise<void>>();
  private closing: Promise<void> | null = null;

  /** `databaseUrl`: a PostgreSQL server to create the runs' databases on (unset: embedded). */
  constructor(private readonly options: { databaseUrl?: string } = {}) {}

  async start(settings: StackSettings, log: (line: string) => void): Promise<RunningStack> {
    this.databases ??= new RunDatabaseServer(this.options.databaseUrl, log);
    const db = await this.databases.create(settings.mode);
    const brokerDir = makeTempDir('flash-sale-broker-');
    const cleanups: Array<() => Promise<void>> = [
      async () => removeTempDir(brokerDir),
      () => db.drop(),
    ];
    const cleanup = async (): Promise<void> => {
      this.running.delete(cleanup);
      for (const fn of cleanups.splice(0)) await fn().catch((e: unknown) => log(`cleanup failed: ${String(e)}`));
    };
    this.running.add(cleanup);
    try {
      const restoreEnv = applyEnvironment(settings, db.url);
      cleanups.push(async () => restoreEnv());
      const broker = await EmbeddedBroker.start({ dataDir: brokerDir, numPartitions: settings.partitions });
      cleanups.unshift(() => broker.close());
      const connection = KafkaConnection.onBroker(broker, `flash-sale-${settings.mode}`);
      const app = await NestFactory.create<NestFastifyApplication>(PlatformModule.forRoot({ connection }), createFastifyAdapter(), {
        logger: ['error', 'warn'],
        abortOnError: false,
      });
      cleanups.unshift(() => app.close());
      configureHttpApp(app, 'flash-sale');
      const server = createPeakKafkaServer(app, ConsumerGroups.OrderService);
      app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
      await app.init();
      await app.startAllMicroservices();
      await app.listen(0, '127.0.0.1');
      const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const pool = new Pool({ connectionString: db.url, max: 3 });
      pool.on('error', () => undefined); // an idle connection dropped (e.g. PostgreSQL stopping on Ctrl-C): the next query reconnects
      cleanups.unshift(() => pool.end());
      await seedCourse(pool, settings.seats);
      await seedBuyers(pool, settings.buyers);
      const tokens = await logIn(baseUrl, app, settings.buyers);
      log(`${Math.min(HTTP_LOGINS, settings.buyers)} buyers logged in over POST /auth/login, ${Math.max(0, settings.buyers - HTTP_LOGINS)} got their token from auth's TokensService`);
      const probe = new SqlBrokerProbe(pool, connection.kafka, settings.mode, FLASH_SALE_COURSE_ID);
      cleanups.unshift(() => probe.close());
      const processCpuSeconds = async (): Promise<Record<string, number>> => {
        const { user, system } = process.cpuUsage();
        return { all: (user + system) / 1e6 };
      };
      const processes = [{ role: 'all', pid: process.pid, nice: 0 }];
      return { topology: 'single', processes, baseUrl, courseId: FLASH_SALE_COURSE_ID, tokens, probe, processCpuSeconds, stop: cleanup };
    } catch (err) {
      await cleanup();
      throw err;
    }
  }

  /** Stops any stack still running (e.g. on Ctrl-C), then the embedded PostgreSQL; removes temporary data. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const stop of [...this.running]) await stop();
      await this.databases?.close();
      this.databases = null;
    })();
    return this.closing;
  }
}

/** The services read their configuration from the environment (as with `npm start`); returns an undo. */
function applyEnvironment(s: StackSettings, databaseUrl: string): () => void {
  const half = s.payment.capacityPerSec / 2;
  const gateway = (method: 'ALIPAY' | 'WECHAT', rps: number): Record<string, string> => ({
    [`PAYMENT_${method}_RPS`]: String(Math.max(1, Math.round(rps))),
    [`PAYMENT_${method}_CONCURRENCY`]: '0',
    [`PAYMENT_${method}_LATENCY_MEDIAN_MS`]: String(s.payment.latencyMs),
    [`PAYMENT_${method}_LATENCY_P99_MS`]: String(s.payment.latencyMs * GATEWAY_P99_FACTOR),
    [`PAYMENT_${method}_FAILURE_RATE`]: String(s.payment.failureRate),
  });
  const values: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    TOPIC_PARTITIONS: String(s.partitions),
    CONSUMER_MEMBERS: String(s.consumersPerService),
    ORDER_INTAKE_MODE: s.mode,
    DIRECT_TIMEOUT_MS: String(s.directTimeoutMs),
    ORDER_DEADLINE_MS: String(SIMULATION_ORDER_DEADLINE_MS),
    ...gateway('ALIPAY', Math.ceil(half)),
    ...gateway('WECHAT', Math.floor(half) || 1),
  };
  const before = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

async function seedCourse(pool: Pool, seats: number): Promise<void> {
  await pool.query(
    `INSERT INTO catalog.courses (course_id, title, price_cents, seats_total, seats_left, sale_starts_at, sale_ends_at)
     VALUES ($1, 'Flash sale: NestJS in depth', $2, $3, $3, now() - interval '1 minute', now() + interval '1 day')`,
    [FLASH_SALE_COURSE_ID, FLASH_SALE_PRICE_CENTS, seats],
  );
}

/** Buyers `buyer-1` … `buyer-<n>` (user ids `b-<n>`), all with BUYER_PASSWORD. */
async function seedBuyers(pool: Pool, count: number): Promise<void> {
  const hash = await bcrypt.hash(BUYER_PASSWORD, BUYER_BCRYPT_ROUNDS);
  await pool.query(
    `INSERT INTO auth.users (user_id, username, password_hash)
     SELECT 'b-' || i, 'buyer-' || i, $2 FROM generate_series(1, $1::int) AS i`,
    [count, hash],
  );
}

/** Tokens of every buyer: the first HTTP_LOGINS log in over HTTP, the rest are issued by auth's TokensService. */
async function logIn(baseUrl: string, app: NestFastifyApplication, count: number): Promise<string[]> {
  const tokens: string[] = new Array<string>(count);
  const overHttp = Math.min(HTTP_LOGINS, count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < overHttp) {
      const i = next++;
      const res = await fetch(`${baseUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `buyer-${i + 1}`, password: BUYER_PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`login of buyer-${i + 1} answered ${res.status}: ${await res.text()}`);
      tokens[i] = ((await res.json()) as { token: string }).token;
    }
  };
  await Promise.all(Array.from({ length: LOGIN_CONCURRENCY }, worker));
  const issuer = app.get(TokensService, { strict: false });
  for (let i = overHttp; i < count; i++) tokens[i] = issuer.issue(`b-${i + 1}`, `buyer-${i + 1}`);
  return tokens;
}
