/**
 * The multi-process variant of the e2e suite: the broker in this process behind the Kafka
 * wire protocol, and each service in its own Node process, switched to the network with
 * KAFKA_BROKERS (so they use the real kafkajs package) and to a fresh PostgreSQL database with
 * DATABASE_URL. Orders go in over HTTP and come out CONFIRMED, through TCP only. The broker
 * and its listener are started with @peak/testing.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { EmbeddedKafka, startEmbeddedKafka } from '@peak/testing';
import { createTestDatabase, TestDatabase } from '../e2e/support/test-database';

const ROOT = resolve(__dirname, '../..');
const SERVICES = [
  { app: 'order-service', portVar: 'PORT' },
  { app: 'auth', portVar: 'AUTH_PORT' },
  { app: 'course-validation', portVar: 'COURSE_VALIDATION_PORT' },
  { app: 'payment', portVar: 'PAYMENT_PORT' },
] as const;

interface RunningService {
  app: string;
  url: string;
  child: ChildProcess;
  output: () => string;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startService(app: string, portVar: string, env: Record<string, string>): Promise<RunningService> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps', app, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env, [portVar]: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { app, url: `http://127.0.0.1:${port}`, child, output: () => output };
}

function stop(service: RunningService): Promise<void> {
  return new Promise((done) => {
    if (service.child.exitCode !== null) return done();
    const kill = setTimeout(() => service.child.kill('SIGKILL'), 10_000);
    service.child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    service.child.kill('SIGTERM');
  });
}

describe('services as separate processes over the Kafka wire protocol', () => {
  let embedded: EmbeddedKafka;
  let db: TestDatabase;
  const services: RunningService[] = [];
  const url = (app: string) => services.find((s) => s.app === app)?.url ?? '';

  beforeAll(async () => {
    embedded = await startEmbeddedKafka({ dataDir: 'temp', partitions: 4, tcp: true });
    db = await createTestDatabase();
    const env = {
      KAFKA_BROKERS: embedded.brokers.join(','),
      DATABASE_URL: db.url,
      JWT_SECRET: 'multi-process-secret-0123456789',
      TOPIC_PARTITIONS: '4',
      CONSUMER_MEMBERS: '1',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    };
    for (const { app, portVar } of SERVICES) services.push(await startService(app, portVar, env));
    // Every app logs "listening on <url>" once its consumers run and HTTP is up (runApp).
    for (const s of services) {
      await until(`${s.app} to listen`, async () => {
        if (s.child.exitCode !== null) throw new Error(`${s.app} exited with ${s.child.exitCode}`);
        return s.output().includes(`listening on ${s.url}`) ? true : undefined;
      }, 90_000).catch((err: Error) => {
        throw new Error(`${err.message}\n--- ${s.app} output ---\n${s.output().slice(-4000)}`);
      });
    }
  }, 150_000);

  afterAll(async () => {
    await Promise.all(services.map(stop));
    await embedded?.stop();
    await db?.drop();
  }, 60_000);

  it('takes orders over HTTP and confirms them through Kafka-over-TCP alone', async () => {
    const login = await fetch(`${url('auth')}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice-pass' }),
    });
    expect(login.status).toBeLessThan(300);
    const { token } = (await login.json()) as { token: string };

    const orderIds: string[] = [];
    for (const [i, courseId] of ['ddd-101', 'kafka-201', 'flash-sale-nest'].entries()) {
      const res = await fetch(`${url('order-service')}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `mp-${i}` },
        body: JSON.stringify({ courseId, paymentMethod: i % 2 ? 'wechat' : 'alipay' }),
      });
      expect(res.status).toBe(202);
      orderIds.push(((await res.json()) as { orderId: string }).orderId);
    }

    for (const id of orderIds) {
      const final = await until(`order ${id} to be final`, async () => {
        const res = await fetch(`${url('order-service')}/orders/${id}`);
        const body = (await res.json()) as { status: string; reason: string | null };
        return body.status === 'CONFIRMED' || body.status === 'REJECTED' ? body : undefined;
      }, 60_000);
      expect(final).toMatchObject({ status: 'CONFIRMED' });
    }

    // Each service consumed as its own consumer group, over TCP, from the broker in this process.
    const groups = (await embedded.broker.listGroups()).groups.map((g) => g.groupId);
    expect(groups.length).toBeGreaterThanOrEqual(3);
    const topics = (await embedded.broker.metadata({ topics: null, allowAutoTopicCreation: false })).topics.map((t) => t.topic);
    expect(topics.length).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
