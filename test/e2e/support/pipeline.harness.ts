import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JwtService } from '@nestjs/jwt';
import { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { EmbeddedBroker } from '@peak/broker';
import { EmbeddedKafka, startEmbeddedKafka } from '@peak/testing';
import { ConsumerGroups, OrderStatus, RejectReason } from '@peak/contracts';
import { createPeakKafkaServer, KafkaConnection, PeakKafkaServer } from '@peak/messaging';
import { configureHttpApp, createFastifyAdapter } from '@peak/platform';
import { PlatformModule } from '../../../apps/all-in-one/src/platform.module';
import { createTestDatabase, TestDatabase } from './test-database';
import { waitFor } from './wait-for';

export const TEST_JWT_SECRET = 'e2e-secret-at-least-16-chars';

/** Environment of a test pipeline; tests may override entries. */
export const BASE_TEST_ENV: Record<string, string> = {
  JWT_SECRET: TEST_JWT_SECRET,
  CONSUMER_MEMBERS: '2',
  TOPIC_PARTITIONS: '4',
  RETRY_MAX_ATTEMPTS: '3',
  RETRY_INITIAL_BACKOFF_MS: '5',
  RETRY_MAX_BACKOFF_MS: '50',
  ORDER_DEADLINE_MS: '30000',
  ORDER_SWEEP_INTERVAL_MS: '200',
  DB_POOL_SIZE: '5',
  PAYMENT_ALIPAY_LATENCY_MEDIAN_MS: '1',
  PAYMENT_ALIPAY_LATENCY_P99_MS: '5',
  PAYMENT_WECHAT_LATENCY_MEDIAN_MS: '1',
  PAYMENT_WECHAT_LATENCY_P99_MS: '5',
  PAYMENT_ALIPAY_FAILURE_RATE: '0',
  PAYMENT_WECHAT_FAILURE_RATE: '0',
  PAYMENT_ALIPAY_RPS: '0',
  PAYMENT_WECHAT_RPS: '0',
  PAYMENT_ALIPAY_CONCURRENCY: '0',
  PAYMENT_WECHAT_CONCURRENCY: '0',
};

export interface OrderRowView {
  status: OrderStatus;
  reason: RejectReason | null;
  seat_held: boolean;
}

/**
 * Every service in one Nest app on a fresh database (real PostgreSQL) and an in-memory
 * embedded broker (started with @peak/testing). The broker and the database outlive restart()
 * so tests can stop and start the application mid-stream.
 */
export class PipelineHarness {
  app!: NestFastifyApplication;
  server!: PeakKafkaServer;
  readonly jwt = new JwtService({ secret: TEST_JWT_SECRET });

  private constructor(
    readonly db: TestDatabase,
    readonly pool: Pool,
    readonly embedded: EmbeddedKafka,
    readonly connection: KafkaConnection,
  ) {}

  /** `database`: run on this database instead of a fresh one on the test server (e.g. an embedded PostgreSQL a fault test takes down). */
  static async start(env: Record<string, string> = {}, database?: TestDatabase): Promise<PipelineHarness> {
    const db = database ?? (await createTestDatabase());
    Object.assign(process.env, BASE_TEST_ENV, env, { DATABASE_URL: db.url, BROKER_STORAGE: 'memory' });
    const embedded = await startEmbeddedKafka({ partitions: 4 });
    const connection = KafkaConnection.onBroker(embedded.broker, 'e2e');
    const pool = new Pool({ connectionString: db.url, max: 4 });
    // The test database is dropped WITH (FORCE) at the end; an idle client still open then gets
    // 57P01 (terminated by administrator). Without a listener pg-pool rethrows it and fails
    // whichever test file runs next in this jest worker.
    pool.on('error', (err: Error & { code?: string }) => {
      if (err.code !== '57P01') console.error('test database pool error', err);
    });
    const harness = new PipelineHarness(db, pool, embedded, connection);
    await harness.boot();
    return harness;
  }

  get broker(): EmbeddedBroker {
    return this.embedded.broker;
  }

  get kafka(): Kafka {
    return this.connection.kafka;
  }

  private async boot(): Promise<void> {
    const moduleRef = await Test.createTestingModule({ imports: [PlatformModule.forRoot({ connection: this.connection })] }).compile();
    this.app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), { logger: ['error', 'warn'] });
    configureHttpApp(this.app, 'e2e');
    this.server = createPeakKafkaServer(this.app, ConsumerGroups.OrderService);
    this.app.connectMicroservice({ strategy: this.server }, { inheritAppConfig: true });
    await this.app.init();
    await this.app.startAllMicroservices();
    await this.app.getHttpAdapter().getInstance().ready();
  }

  /** Closes the application (consumers, HTTP, DataSources) and boots it again on the same broker and database. */
  async restart(): Promise<void> {
    await this.app.close();
    await this.boot();
  }

  http() {
    return request(this.app.getHttpServer());
  }

  /** A valid buyer token for `userId` (which must exist in auth.users to pass the auth check). */
  token(userId: string, username = userId, expiresIn = 3600): string {
    return this.jwt.sign({ sub: userId, username }, { expiresIn });
  }

  /** Inserts users (buyers) directly; the password hash is irrelevant to token checks. */
  async addUsers(ids: string[], banned = false): Promise<void> {
    await this.pool.query(
      `INSERT INTO auth.users (user_id, username, password_hash, banned)
       SELECT id, id, 'x', $2 FROM unnest($1::text[]) AS id`,
      [ids, banned],
    );
  }

  async addCourse(courseId: string, seats: number, priceCents = 1000): Promise<void> {
    await this.pool.query(
      `INSERT INTO catalog.courses (course_id, title, price_cents, seats_total, seats_left, sale_starts_at, sale_ends_at)
       VALUES ($1, $1, $2, $3, $3, now() - interval '1 day', now() + interval '1 day')`,
      [courseId, priceCents, seats],
    );
  }

  /** POSTs an order; returns the response. */
  order(token: string, body: Record<string, unknown>, key: string = randomUUID()) {
    return this.http().post('/orders').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send(body);
  }

  async orderRow(orderId: string): Promise<OrderRowView | undefined> {
    const { rows } = await this.pool.query(`SELECT status, reason, seat_held FROM orders.orders WHERE order_id = $1`, [orderId]);
    return rows[0];
  }

  /** Waits until the order is CONFIRMED or REJECTED and returns it. */
  finalOrder(orderId: string, timeoutMs = 20_000): Promise<OrderRowView> {
    return waitFor(
      async () => {
        const row = await this.orderRow(orderId);
        return row && (row.status === 'CONFIRMED' || row.status === 'REJECTED') ? row : undefined;
      },
      `order ${orderId} to finish`,
      timeoutMs,
    );
  }

  async seatsLeft(courseId: string): Promise<number> {
    const { rows } = await this.pool.query(`SELECT seats_left FROM catalog.courses WHERE course_id = $1`, [courseId]);
    return rows[0].seats_left;
  }

  /** Reads every message currently in `topic` (all partitions, at least `expectAtLeast`) with a throwaway group. */
  async readTopic(topic: string, expectAtLeast: number, timeoutMs = 10_000): Promise<KafkaMessage[]> {
    return this.embedded.waitForMessages(topic, expectAtLeast, { timeoutMs, fromBeginning: true });
  }

  async close(): Promise<void> {
    try {
      await this.app.close();
    } finally {
      await this.pool.end();
      await this.embedded.stop();
      await this.db.drop();
    }
  }
}
