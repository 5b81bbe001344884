/**
 * A real database outage in the middle of a stream of orders: the project's own embedded
 * PostgreSQL is stopped for OUTAGE_MS and started again on the same data directory while
 * buyers keep ordering. The message engine's promise: intake keeps answering (it never touches
 * the database), the downstream waits and retries instead of dead-lettering, and afterwards
 * every receipted order is final, nobody is charged for a rejected order, no seat stays held
 * by a final order, and no dead letter was written.
 */
import { ALL_TOPICS, dlqTopic } from '@peak/contracts';
import { startEmbeddedPostgres, TestPostgres } from '@peak/testing';
import { PipelineHarness } from '../e2e/support/pipeline.harness';
import { waitFor } from '../e2e/support/wait-for';

const BUYERS = 800;
/** Orders per second while the stream runs, and for how long. */
const ORDERS_PER_SECOND = 40;
const STREAM_MS = 20_000;
const OUTAGE_STARTS_AT_MS = 5_000;
const OUTAGE_MS = 10_000;
/** After the database is back: time to drain what piled up, plus the 30 s. */
const RECOVERY_BUDGET_MS = 45_000;

describe('PostgreSQL stopped for 10 s while orders flow', () => {
  let pg: TestPostgres;
  let h: PipelineHarness;

  beforeAll(async () => {
    pg = await startEmbeddedPostgres({ embedded: true });
    h = await PipelineHarness.start(
      { ORDER_DEADLINE_MS: '300000', ORDER_SWEEP_INTERVAL_MS: '500', RETRY_MAX_ATTEMPTS: '3' },
      { url: pg.url, drop: async () => undefined },
    );
    await h.addUsers(Array.from({ length: BUYERS }, (_, i) => `buyer-${i}`));
    await h.addCourse('outage-course', BUYERS);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await pg?.stop();
  }, 60_000);

  it('intake keeps answering 202; afterwards every receipted order is final, nothing charged and rejected, no seat held, no dead letter', async () => {
    const receipts: string[] = [];
    const failures: string[] = [];
    const started = Date.now();
    let outage: Promise<void> = Promise.resolve();
    let sent = 0;
    // One order per buyer, paced at ORDERS_PER_SECOND; the database goes down in the middle.
    while (Date.now() - started < STREAM_MS && sent < BUYERS) {
      const due = started + (sent * 1000) / ORDERS_PER_SECOND;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      if (sent === (OUTAGE_STARTS_AT_MS * ORDERS_PER_SECOND) / 1000) {
        outage = (async () => {
          await pg.goDown();
          await new Promise((r) => setTimeout(r, OUTAGE_MS));
          await pg.comeBack();
        })();
      }
      const i = sent++;
      const res = await h.order(h.token(`buyer-${i}`), { courseId: 'outage-course', paymentMethod: i % 2 ? 'alipay' : 'wechat' });
      if (res.status === 202) receipts.push(res.body.orderId as string);
      else failures.push(`${res.status} ${JSON.stringify(res.body)}`);
    }
    await outage;
    const backAt = Date.now();
    expect(failures).toEqual([]);
    expect(receipts.length).toBe(sent);

    await waitFor(
      async () => {
        const { rows } = await h.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM orders.orders WHERE order_id = ANY($1::uuid[]) AND status IN ('CONFIRMED', 'REJECTED')`,
          [receipts],
        );
        return rows[0].n === receipts.length ? true : undefined;
      },
      `all ${receipts.length} receipted orders to be final`,
      RECOVERY_BUDGET_MS,
      250,
    );
    expect(Date.now() - backAt).toBeLessThan(RECOVERY_BUDGET_MS);

    const chargedAndRejected = await h.pool.query(
      `SELECT o.order_id FROM orders.orders o JOIN payments.payments p USING (order_id)
        WHERE o.status = 'REJECTED' AND p.status = 'SUCCEEDED'`,
    );
    expect(chargedAndRejected.rows).toEqual([]);
    const heldByFinal = await h.pool.query(
      `SELECT r.order_id FROM catalog.seat_reservations r JOIN orders.orders o USING (order_id)
        WHERE r.status = 'HELD' AND o.status IN ('CONFIRMED', 'REJECTED')`,
    );
    expect(heldByFinal.rows).toEqual([]);
    const confirmed = await h.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders.orders WHERE status = 'CONFIRMED'`);
    expect(confirmed.rows[0].n).toBe(receipts.length); // every buyer had a seat and a working gateway

    const admin = h.kafka.admin();
    await admin.connect();
    try {
      for (const topic of ALL_TOPICS) {
        const ends = await admin.fetchTopicOffsets(dlqTopic(topic)).catch(() => []);
        const letters = ends.reduce((n, e) => n + Number(e.high) - Number(e.low), 0);
        expect({ topic: dlqTopic(topic), letters }).toEqual({ topic: dlqTopic(topic), letters: 0 });
      }
    } finally {
      await admin.disconnect();
    }
  }, STREAM_MS + OUTAGE_MS + RECOVERY_BUDGET_MS + 30_000);
});
