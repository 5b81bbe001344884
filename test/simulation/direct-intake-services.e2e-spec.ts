/**
 * Direct mode across service boundaries: auth, course-validation, payment and order-service
 * as four Nest applications, each on its own HTTP port (as the flash-sale launcher runs them
 * as processes), order-service configured with AUTH_URL, COURSE_VALIDATION_URL and
 * PAYMENT_URL. Orders travel as RPCs over HTTP; nothing goes through the broker.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Test } from '@nestjs/testing';
import { JwtService } from '@nestjs/jwt';
import { ConfigModule } from '@nestjs/config';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { EmbeddedKafka, startEmbeddedKafka } from '@peak/testing';
import { CapacityPaths, CapacityReport, RpcPaths } from '@peak/contracts/rpc';
import { KafkaConnection, MessagingModule } from '@peak/messaging';
import { createFastifyAdapter } from '@peak/platform';
import { AuthModule } from '../../apps/auth/src/auth.module';
import { CourseValidationModule } from '../../apps/course-validation/src/course-validation.module';
import { PaymentModule } from '../../apps/payment/src/payment.module';
import { OrderServiceModule } from '../../apps/order-service/src/order-service.module';
import { BASE_TEST_ENV, TEST_JWT_SECRET } from '../e2e/support/pipeline.harness';
import { createTestDatabase, TestDatabase } from '../e2e/support/test-database';

const ROOT = resolve(__dirname, '../..');
/** auth's capacity in this suite: 80 orders take at least (80 - 1) / 200 s ≈ 0.4 s. */
const AUTH_CHECK_RPS = 200;
const RATE_ORDERS = 80;

interface RunningApp {
  app: NestFastifyApplication;
  url: string;
}

/** Every variable this file sets, restored afterwards (jest runs other files in this process). */
const ENV_KEYS = [
  ...Object.keys(BASE_TEST_ENV), 'DATABASE_URL', 'BROKER_STORAGE', 'ORDER_INTAKE_MODE', 'AUTH_CHECK_RPS', 'AUTH_URL', 'COURSE_VALIDATION_URL', 'PAYMENT_URL',
];

describe('direct mode over HTTP between separate applications on separate ports', () => {
  const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  const jwt = new JwtService({ secret: TEST_JWT_SECRET, signOptions: { expiresIn: 3_600 } });
  let db: TestDatabase;
  let pool: Pool;
  let embedded: EmbeddedKafka;
  let connection: KafkaConnection;
  const apps: RunningApp[] = [];
  let auth: RunningApp;
  let course: RunningApp;
  let payment: RunningApp;
  let orders: RunningApp;

  /** One service as its own Nest application (as its main.ts builds it) listening on an ephemeral port. */
  const boot = async (feature: Type<unknown>, env: Record<string, string | undefined>): Promise<RunningApp> => {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }), MessagingModule.forRoot({ connection }), feature],
    }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    const running = { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
    apps.push(running);
    return running;
  };

  const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const order = (base: string, buyer: string, courseId: string, key = `${buyer}-${courseId}`) =>
    post(`${base}/orders`, { courseId, paymentMethod: 'wechat' }, { authorization: `Bearer ${jwt.sign({ sub: buyer, username: buyer })}`, 'idempotency-key': key });

  const seatsLeft = async (courseId: string): Promise<number> =>
    (await pool.query(`SELECT seats_left FROM catalog.courses WHERE course_id = $1`, [courseId])).rows[0].seats_left;

  beforeAll(async () => {
    db = await createTestDatabase();
    Object.assign(process.env, BASE_TEST_ENV, { DATABASE_URL: db.url, BROKER_STORAGE: 'memory', ORDER_INTAKE_MODE: 'direct' });
    embedded = await startEmbeddedKafka({ partitions: 4 });
    connection = KafkaConnection.onBroker(embedded.broker, 'direct-rpc');
    auth = await boot(AuthModule, { AUTH_CHECK_RPS: String(AUTH_CHECK_RPS) });
    course = await boot(CourseValidationModule, {});
    payment = await boot(PaymentModule, {});
    orders = await boot(OrderServiceModule, { AUTH_URL: auth.url, COURSE_VALIDATION_URL: course.url, PAYMENT_URL: payment.url });
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    const buyers = ['r-1', 'r-2', ...Array.from({ length: RATE_ORDERS }, (_, i) => `rate-${i}`)];
    await pool.query(`INSERT INTO auth.users (user_id, username, password_hash) SELECT id, id, 'x' FROM unnest($1::text[]) AS id`, [buyers]);
    await pool.query(
      `INSERT INTO catalog.courses (course_id, title, price_cents, seats_total, seats_left, sale_starts_at, sale_ends_at)
       SELECT c, c, 700, 1000, 1000, now() - interval '1 day', now() + interval '1 day' FROM unnest($1::text[]) AS c`,
      [['rpc-course', 'rate-course']],
    );
  }, 120_000);

  afterAll(async () => {
    for (const a of apps.reverse()) await a.app.close().catch(() => undefined);
    await pool?.end();
    await embedded?.stop();
    await db?.drop();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }, 60_000);

  it('order-service imports no other app\'s source', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts')) files.push(path);
      }
    };
    walk(join(ROOT, 'apps/order-service/src'));
    const offenders = files.filter((f) => /from '[^']*\/(auth|course-validation|payment|all-in-one)\/src\//.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('an order travels as RPCs to the other applications and is answered CONFIRMED', async () => {
    const before = await seatsLeft('rpc-course');
    const res = await order(orders.url, 'r-1', 'rpc-course');
    expect(res).toEqual({ status: 202, body: { orderId: expect.any(String), status: 'CONFIRMED', reason: null } });
    expect(await seatsLeft('rpc-course')).toBe(before - 1);
    const paid = await pool.query(`SELECT status, amount_cents FROM payments.payments WHERE order_id = $1`, [res.body.orderId]);
    expect(paid.rows).toEqual([{ status: 'SUCCEEDED', amount_cents: 700 }]);
    // The RPC routes live on the other applications only: order-service's server has none.
    expect((await post(`${orders.url}${RpcPaths.TokenChecks}`, {})).status).toBe(404);
    const admin = connection.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('orders.created');
    await admin.disconnect();
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(0);
  });

  it('each RPC endpoint answers 400 naming the bad field, and 504 (doing nothing) past the caller\'s deadline', async () => {
    const bad = await post(`${auth.url}${RpcPaths.TokenChecks}`, { buyerId: 'r-1' });
    expect(bad).toMatchObject({ status: 400, body: { statusCode: 400, fields: { tokenExpiresAtMs: [expect.any(String)], orderCreatedAtMs: [expect.any(String)] } } });
    const hold = await post(`${course.url}${RpcPaths.SeatHolds}`, { order: { orderId: 'nope' } });
    expect(hold.status).toBe(400);
    expect(Object.keys(hold.body.fields as object)).toEqual(expect.arrayContaining(['order.orderId', 'order.paymentMethod']));
    const charge = await post(`${payment.url}${RpcPaths.Charges}`, { orderId: '0b6c4f1e-8d1f-4c8e-9a57-1f3f2a9b7c11', buyerId: 'r', courseId: 'c', paymentMethod: 'cash', amountCents: 1 });
    expect(charge).toMatchObject({ status: 400, body: { fields: { paymentMethod: [expect.stringContaining('alipay, wechat')] } } });

    const late = await post(`${course.url}${RpcPaths.SeatHolds}`, {
      deadlineAtMs: Date.now() - 1,
      order: { orderId: '2b6c4f1e-8d1f-4c8e-9a57-1f3f2a9b7c11', buyerId: 'r-2', courseId: 'rpc-course', paymentMethod: 'alipay', idempotencyKey: 'k', createdAtMs: Date.now(), expectedPriceCents: 0 },
    });
    expect(late).toMatchObject({ status: 504, body: { statusCode: 504 } });
    const held = await pool.query(`SELECT count(*)::int AS n FROM catalog.seat_reservations WHERE order_id = '2b6c4f1e-8d1f-4c8e-9a57-1f3f2a9b7c11'`);
    expect(held.rows[0].n).toBe(0);
  });

  it(`auth's capacity (AUTH_CHECK_RPS=${AUTH_CHECK_RPS}) paces the RPC path: ${RATE_ORDERS} concurrent orders take at least their share of a second`, async () => {
    const capacity = await fetch(`${auth.url}${CapacityPaths.Auth}`).then((r) => r.json() as Promise<CapacityReport>);
    expect(capacity).toMatchObject({ service: 'auth', stages: [{ name: 'auth-check', ratePerSecond: AUTH_CHECK_RPS, concurrency: 0 }] });
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: RATE_ORDERS }, (_, i) => order(orders.url, `rate-${i}`, 'rate-course')));
    const seconds = (performance.now() - started) / 1000;
    expect(results.map((r) => r.body.status)).toEqual(Array(RATE_ORDERS).fill('CONFIRMED'));
    // (n - 1) / rate after the first: 0.395 s; without the limit these take well under 0.2 s.
    expect(seconds).toBeGreaterThanOrEqual(((RATE_ORDERS - 1) / AUTH_CHECK_RPS) * 0.9);
    expect(seconds).toBeLessThan(10);
  });

  it('a standalone order-service in direct mode starts without the others and answers 503 naming the missing service', async () => {
    const alone = await boot(OrderServiceModule, { AUTH_URL: undefined, COURSE_VALIDATION_URL: undefined, PAYMENT_URL: undefined });
    const res = await order(alone.url, 'r-2', 'rpc-course', 'alone-1');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ statusCode: 503, service: 'auth', orderId: expect.any(String) });
    expect(res.body.message).toMatch(/auth .*answered 404/);
  });

  it('with payment down, an order is answered 503 naming payment, rejected, and its seat released', async () => {
    await payment.app.close();
    const before = await seatsLeft('rpc-course');
    const res = await order(orders.url, 'r-2', 'rpc-course', 'payment-down');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ statusCode: 503, service: 'payment' });
    expect(res.body.message).toMatch(/unreachable/);
    const row = await pool.query(`SELECT status, reason FROM orders.orders WHERE order_id = $1`, [res.body.orderId]);
    expect(row.rows).toEqual([{ status: 'REJECTED', reason: 'TIMEOUT' }]);
    expect(await seatsLeft('rpc-course')).toBe(before);
  });
});
