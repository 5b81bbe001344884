import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { StackChild } from './child-process';
import { freePort, RunDatabaseServer } from './run-database';
import { FLASH_SALE_COURSE_ID, HTTP_LOGINS, logIn, seedBuyers, seedCourse, WARM_UP_COURSE_ID } from './seed-data';
import { SqlBrokerProbe } from './stack-probe';
import { DOWNSTREAM_NICE, processesTopology, singleTopology, StackAddresses } from './stack-processes';
import type { RunningStack, StackLauncher, StackSettings } from './stack.types';
import { makeTempDir, removeTempDir } from './temp-dirs';

/** How long one process may take to be ready (TypeScript loading, migrations, consumer groups joining). */
const READY_TIMEOUT_MS = 120_000;
const READY_POLL_MS = 100;

/**
 * Boots a fresh stack per run as OS processes started by their entry points: in the
 * `processes` topology the broker (`npm run broker`), order-service's intake, its aggregator,
 * auth, course-validation and payment each in a process of its own, talking over the Kafka
 * wire protocol (KAFKA_BROKERS) and HTTP; in the `single` topology one all-in-one process.
 * PostgreSQL is an embedded server (or DATABASE_URL's), with a fresh database per run. Seeds
 * the flash-sale course and the buyers, who log in. Imports no app source: it knows the
 * services only by their entry points, environment, HTTP API and database schema.
 */
export class ProcessStackLauncher implements StackLauncher {
  private databases: RunDatabaseServer | null = null;
  private readonly running = new Set<() => Promise<void>>();
  private closing: Promise<void> | null = null;

  /** `databaseUrl`: a PostgreSQL server to create the runs' databases on (unset: embedded). */
  constructor(private readonly options: { databaseUrl?: string } = {}) {}

  async start(settings: StackSettings, log: (line: string) => void): Promise<RunningStack> {
    this.databases ??= new RunDatabaseServer(this.options.databaseUrl, log, DOWNSTREAM_NICE);
    const db = await this.databases.create(settings.mode);
    const brokerDataDir = makeTempDir('flash-sale-broker-');
    const children: StackChild[] = [];
    const cleanups: Array<() => Promise<void>> = [];
    const cleanup = async (): Promise<void> => {
      this.running.delete(cleanup);
      for (const fn of cleanups.splice(0)) await fn().catch((e: unknown) => log(`cleanup failed: ${String(e)}`));
      // Services first (they flush and leave their groups), the broker last.
      for (const child of [...children].reverse()) await child.stop().catch((e: unknown) => log(`stopping ${child.spec.role} failed: ${String(e)}`));
      await db.drop().catch((e: unknown) => log(`dropping ${db.name} failed: ${String(e)}`));
      removeTempDir(brokerDataDir);
    };
    this.running.add(cleanup);
    try {
      const addresses: StackAddresses = {
        brokerPort: await freePort(),
        orderServicePort: await freePort(),
        aggregatorPort: await freePort(),
        authPort: await freePort(),
        courseValidationPort: await freePort(),
        paymentPort: await freePort(),
        databaseUrl: db.url,
        jwtSecret: randomBytes(24).toString('hex'),
        brokerDataDir,
      };
      const cpuProfDir = settings.cpuProfDir ? resolve(settings.cpuProfDir) : undefined;
      if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
      const groups = settings.topology === 'single' ? singleTopology(settings, addresses) : processesTopology(settings, addresses);
      for (const group of groups) {
        const started = group.map((spec) => StackChild.start({ ...spec, cpuProfDir }));
        children.push(...started);
        await Promise.all(started.map((child) => waitReady(child, addresses)));
      }
      log(`${settings.topology} topology: ${children.map((c) => `${c.spec.role} (pid ${c.pid}${c.spec.nice ? `, nice ${c.spec.nice}` : ''})`).join(', ')}`);

      const pool = new Pool({ connectionString: db.url, max: 3 });
      pool.on('error', () => undefined); // an idle connection dropped (e.g. PostgreSQL stopping on Ctrl-C): the next query reconnects
      cleanups.push(() => pool.end());
      await seedCourse(pool, settings.seats);
      if (settings.warmUpSeats > 0) await seedCourse(pool, settings.warmUpSeats, WARM_UP_COURSE_ID, 'Warm-up: the shop before the sale');
      await seedBuyers(pool, settings.buyers);
      const authPort = settings.topology === 'single' ? addresses.orderServicePort : addresses.authPort;
      const tokens = await logIn(`http://127.0.0.1:${authPort}`, addresses.jwtSecret, settings.buyers);
      log(
        `${Math.min(HTTP_LOGINS, settings.buyers)} buyers logged in over POST /auth/login, ` +
          `${Math.max(0, settings.buyers - HTTP_LOGINS)} got a token signed with the same secret`,
      );
      const kafka = new Kafka({ clientId: `flash-sale-probe-${settings.mode}`, brokers: [`127.0.0.1:${addresses.brokerPort}`], logLevel: logLevel.NOTHING });
      const probe = new SqlBrokerProbe(pool, kafka, settings.mode, FLASH_SALE_COURSE_ID);
      cleanups.unshift(() => probe.close());
      return {
        topology: settings.topology,
        processes: children.map((c) => ({ role: c.spec.role, pid: c.pid, nice: c.spec.nice })),
        processCpuSeconds: async () => {
          const entries = await Promise.all(children.map(async (c) => [c.spec.role, await c.cpuSeconds()] as const));
          return Object.fromEntries(entries);
        },
        baseUrl: `http://127.0.0.1:${addresses.orderServicePort}`,
        courseId: FLASH_SALE_COURSE_ID,
        warmUpCourseId: settings.warmUpSeats > 0 ? WARM_UP_COURSE_ID : undefined,
        tokens,
        probe,
        stop: cleanup,
      };
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

/** The broker is ready when it says it listens; a service when its HTTP server answers. */
async function waitReady(child: StackChild, a: StackAddresses): Promise<void> {
  if (child.spec.role === 'broker') {
    await child.waitForLine(/listening on/, READY_TIMEOUT_MS);
    return;
  }
  const port = Number(child.spec.env.PORT ?? child.spec.env.AUTH_PORT ?? child.spec.env.COURSE_VALIDATION_PORT ?? child.spec.env.PAYMENT_PORT ?? a.orderServicePort);
  const deadline = performance.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (!child.running) throw child.failure(`exited (code ${child.child.exitCode ?? child.child.signalCode}) before it was ready`);
    const answered = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) }).then(
      async (res) => {
        await res.arrayBuffer();
        return true;
      },
      () => false,
    );
    if (answered) return;
    if (performance.now() > deadline) throw child.failure(`was not listening on port ${port} within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
}
