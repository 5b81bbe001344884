/**
 * The pipeline's database goes away while orders flow, on the machine's PostgreSQL (the server
 * itself keeps running: other tests use it). First every connection of the services is killed
 * again and again (pg_terminate_backend: transactions cut in the middle), then the database
 * refuses connections for a few seconds (ALLOW_CONNECTIONS false + terminate). Consumers must
 * treat both as transient: wait, paused, report it in /health and /metrics, and afterwards
 * every order is final and nothing was dead-lettered.
 */
import { Client } from 'pg';
import { ALL_TOPICS, dlqTopic } from '@peak/contracts';
import { ConsumerHealth } from '@peak/messaging';
import { PipelineHarness } from './support/pipeline.harness';
import { TEST_ADMIN_URL } from './support/test-database';
import { waitFor } from './support/wait-for';

const BUYERS = 160;
const COURSE = 'outage-course';
/** How long the database refuses connections. */
const REFUSING_MS = 4_000;
/** How long the services' connections are killed over and over, and how often. */
const KILLING_MS = 2_000;
const KILL_EVERY_MS = 100;
const FINAL_TIMEOUT_MS = 60_000;

describe('order pipeline: the database goes away while orders flow', () => {
  let h: PipelineHarness;
  let admin: Client;
  let database: string;
  let next = 0;

  beforeAll(async () => {
    h = await PipelineHarness.start({
      // The deadline must not reject orders because of the outage (another engineer's topic).
      ORDER_DEADLINE_MS: '300000',
      RETRY_TRANSIENT_MAX_BACKOFF_MS: '500',
      DB_CONNECT_TIMEOUT_MS: '2000',
    });
    database = new URL(h.db.url).pathname.slice(1);
    admin = new Client({ connectionString: TEST_ADMIN_URL });
    await admin.connect();
    await h.addUsers(Array.from({ length: BUYERS }, (_, i) => `buyer-${i}`));
    await h.addCourse(COURSE, BUYERS);
  }, 60_000);

  afterAll(async () => {
    await admin?.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin?.end();
    await h?.close();
  }, 60_000);

  /** Sends `count` orders (distinct buyers) `everyMs` apart; resolves with their ids, all 202. */
  async function orders(count: number, everyMs: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const buyer = `buyer-${next++}`;
      const res = await h.order(h.token(buyer), { courseId: COURSE, paymentMethod: next % 2 ? 'alipay' : 'wechat' });
      expect(res.status).toBe(202);
      ids.push(res.body.orderId);
      await new Promise((r) => setTimeout(r, everyMs));
    }
    return ids;
  }

  async function terminateServiceConnections(): Promise<number> {
    const { rowCount } = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database],
    );
    return rowCount ?? 0;
  }

  async function deadLetters(): Promise<number> {
    const kafkaAdmin = h.kafka.admin();
    await kafkaAdmin.connect();
    try {
      let total = 0;
      for (const topic of ALL_TOPICS) {
        for (const p of await kafkaAdmin.fetchTopicOffsets(dlqTopic(topic))) total += Number(p.high);
      }
      return total;
    } finally {
      await kafkaAdmin.disconnect();
    }
  }

  async function expectAllFinal(ids: string[]): Promise<void> {
    const rows = await Promise.all(ids.map((id) => h.finalOrder(id, FINAL_TIMEOUT_MS)));
    // Enough seats, no declines: an order rejected here could only be the outage's fault.
    expect(rows.map((r) => r.status)).toEqual(ids.map(() => 'CONFIRMED'));
    expect(await deadLetters()).toBe(0);
  }

  it('connections killed over and over mid-transaction: every order final, nothing dead-lettered', async () => {
    const flowing = orders(40, KILLING_MS / 40);
    let killed = 0;
    const until = Date.now() + KILLING_MS;
    while (Date.now() < until) {
      killed += await terminateServiceConnections();
      await new Promise((r) => setTimeout(r, KILL_EVERY_MS));
    }
    const ids = await flowing;
    expect(killed).toBeGreaterThan(0);
    await expectAllFinal(ids);
  }, 120_000);

  it('the database refusing connections for seconds: consumers pause and report it, then every order is final, nothing dead-lettered', async () => {
    const health = h.app.get(ConsumerHealth);
    const before = await orders(20, 10);
    await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
    const outageStarted = Date.now();
    let during: string[] = [];
    try {
      await terminateServiceConnections();
      // Intake never touches the database: buyers keep getting receipts.
      during = await orders(60, 20);
      const retrying = await waitFor(async () => (health.retrying().length > 0 ? health.retrying() : undefined), 'a partition to retry transiently', REFUSING_MS);
      expect(retrying[0].reason).toMatch(/postgres|ECONN|Connection|timeout/i);
      // Degraded for a second or more: /health says so (503, consumers down) and /metrics counts it.
      await new Promise((r) => setTimeout(r, Math.max(0, outageStarted + 1_500 - Date.now())));
      const res = await h.http().get('/health');
      expect(res.status).toBe(503);
      expect(res.body.error?.consumers?.status ?? res.body.details?.consumers?.status).toBe('down');
      const metrics = (await h.http().get('/metrics')).text;
      expect(metrics).toMatch(/^consumer_partitions_retrying\{group="[^"]+"\} [1-9]/m);
      expect(metrics).toMatch(/^consumer_transient_retries_total\{group="[^"]+"\} [1-9]/m);
      await new Promise((r) => setTimeout(r, Math.max(0, outageStarted + REFUSING_MS - Date.now())));
    } finally {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
    }
    await expectAllFinal([...before, ...during]);
    await waitFor(async () => (health.retrying().length === 0 ? true : undefined), 'every partition to resume');
    expect((await h.http().get('/health')).status).toBe(200);
  }, 120_000);
});
