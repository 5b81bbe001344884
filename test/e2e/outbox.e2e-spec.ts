import { DataSource } from 'typeorm';
import { ConsumerGroups, decodeEvent, PaymentCompletedEvent, Topics } from '@peak/contracts';
import { EventPublisher, OutboxPublisher, OutboxRelay, outboxTable, PgOutboxStore } from '@peak/messaging';
import { OrderDeadlineSweeper } from '../../apps/order-service/src/orders/order-deadline.sweeper';
import { PipelineHarness } from './support/pipeline.harness';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

describe('outbox: an event caused by a commit is published even when the first publish fails', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start({ ORDER_SWEEP_INTERVAL_MS: '600000', OUTBOX_POLL_INTERVAL_MS: '200' });
    await h.addUsers(['ob-1']);
    await h.addCourse('outbox-course', 5, 300);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await h?.close();
  });

  it("the sweeper's REJECTED event fails to publish after its commit: the relay retries it and the seat is released", async () => {
    const sweeper = h.app.get(OrderDeadlineSweeper);
    const publisher = h.app.get(EventPublisher);
    // Auth stays stopped: its late answer would re-emit the REJECTED status and hide a lost event.
    await h.server.stopGroup(ConsumerGroups.Auth);
    try {
      const res = await h.order(h.token('ob-1'), { courseId: 'outbox-course', paymentMethod: 'alipay' });
      const orderId: string = res.body.orderId;
      await waitFor(async () => ((await h.orderRow(orderId))?.seat_held ? true : undefined), 'the seat to be held');
      expect(await h.seatsLeft('outbox-course')).toBe(4);
      await h.pool.query(`UPDATE orders.orders SET deadline_at = now() - interval '1 second' WHERE order_id = $1`, [orderId]);

      let failed = 0;
      const original = publisher.publishRaw.bind(publisher);
      jest.spyOn(publisher, 'publishRaw').mockImplementation((topic, message, options) => {
        if (topic === Topics.OrderStatus && String(message.key) === orderId && failed < 3) {
          failed += 1;
          return Promise.reject(new Error('broker unavailable'));
        }
        return original(topic, message, options);
      });
      await sweeper.sweepOnce().catch(() => undefined);
      expect(await h.orderRow(orderId)).toMatchObject({ status: 'REJECTED', reason: 'TIMEOUT' });

      await waitFor(async () => ((await h.seatsLeft('outbox-course')) === 5 ? true : undefined), 'the seat to be released', 15_000);
      expect(failed).toBe(3);
      const left = await h.pool.query(`SELECT count(*)::int AS n FROM orders.outbox WHERE key = $1`, [orderId]);
      expect(left.rows[0].n).toBe(0);
    } finally {
      jest.restoreAllMocks();
      await h.server.startGroup(ConsumerGroups.Auth);
    }
  });
});

describe('OutboxRelay on PostgreSQL', () => {
  let db: TestDatabase;
  const sources: DataSource[] = [];
  const relays: OutboxRelay[] = [];
  const TABLE = outboxTable('relay_test');

  const open = async (): Promise<DataSource> => {
    const ds = new DataSource({ type: 'postgres', url: db.url, poolSize: 3 });
    await ds.initialize();
    sources.push(ds);
    return ds;
  };
  const relayOn = (ds: DataSource, publisher: OutboxPublisher, batchSize: number): OutboxRelay => {
    const r = new OutboxRelay(new PgOutboxStore(ds, TABLE), publisher, { batchSize, pollIntervalMs: 100 });
    relays.push(r);
    return r;
  };
  /** Inserts `n` rows over `keys` keys; each event's detail is its sequence number. */
  const insertRows = async (ds: DataSource, n: number, keys: number): Promise<void> => {
    const rows = Array.from({ length: n }, (_, i) => ({
      topic: Topics.PaymentCompleted,
      key: `k-${i % keys}`,
      payload: { orderId: `k-${i % keys}`, ok: true, reason: '', detail: String(i), transactionId: '' },
    }));
    await ds.query(
      `INSERT INTO ${TABLE} (topic, key, payload)
       SELECT x.e->>'topic', x.e->>'key', x.e->'payload' FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n) ORDER BY x.n`,
      [JSON.stringify(rows)],
    );
  };
  const pending = async (ds: DataSource): Promise<number> => (await ds.query(`SELECT count(*)::int AS n FROM ${TABLE}`))[0].n;

  beforeAll(async () => {
    db = await createTestDatabase();
    const ds = await open();
    await ds.query(`CREATE SCHEMA relay_test`);
    // The same table as the services' migrations create.
    await ds.query(`
      CREATE TABLE ${TABLE} (
        id bigserial PRIMARY KEY, topic text NOT NULL, key text NOT NULL, payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb, created_at timestamptz NOT NULL DEFAULT now())`);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });

  afterAll(async () => {
    await Promise.all(sources.map((s) => s.destroy()));
    await db?.drop();
  });

  it('two relays (two processes) on one table never publish a row at the same time, lose none, and keep each key in order', async () => {
    const [a, b] = [await open(), await open()];
    await insertRows(a, 600, 40);
    const inFlight = new Set<string>();
    let overlaps = 0;
    const firstSeen = new Map<string, number[]>();
    const published = new Set<string>();
    /** A slow broker: each publish takes a few event-loop turns, so the two relays' rounds overlap. */
    const publisher = (): OutboxPublisher => ({
      async publishRaw(_topic, message) {
        const e = decodeEvent(Topics.PaymentCompleted, message.value, { 'schema-version': '1' }) as PaymentCompletedEvent;
        if (inFlight.has(e.detail)) overlaps += 1;
        inFlight.add(e.detail);
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setTimeout(r, 1));
        inFlight.delete(e.detail);
        if (!published.has(e.detail)) {
          published.add(e.detail);
          const seq = firstSeen.get(message.key) ?? [];
          seq.push(Number(e.detail));
          firstSeen.set(message.key, seq);
        }
      },
    });
    const ra = relayOn(a, publisher(), 25);
    const rb = relayOn(b, publisher(), 25);
    ra.start();
    rb.start();
    await waitFor(async () => ((await pending(a)) === 0 ? true : undefined), 'the outbox to be empty', 30_000);
    await Promise.all([ra.stop(), rb.stop()]);
    expect(overlaps).toBe(0);
    expect(published.size).toBe(600);
    expect(ra.published).toBeGreaterThan(0);
    expect(rb.published).toBeGreaterThan(0);
    for (const seq of firstSeen.values()) expect(seq).toEqual([...seq].sort((x, y) => x - y));
  });

  it("a relay holds back a key's later row while another relay is publishing that key's earlier one", async () => {
    const [a, b] = [await open(), await open()];
    await insertRows(a, 1, 1); // row 0: key k-0
    let release!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const inside = new Promise<void>((r) => (entered = r));
    const order: string[] = [];
    const detail = (value: Buffer) => (decodeEvent(Topics.PaymentCompleted, value, { 'schema-version': '1' }) as PaymentCompletedEvent).detail;
    const slow = relayOn(a, {
      async publishRaw(_topic, message) {
        entered();
        await gate;
        order.push(detail(message.value));
      },
    }, 10);
    slow.start();
    await inside; // relay A is publishing row 0 and holds its lock
    await b.query(
      `INSERT INTO ${TABLE} (topic, key, payload) VALUES ($1, 'k-0', $2), ($1, 'other', $3)`,
      [Topics.PaymentCompleted, { orderId: 'k-0', ok: true, reason: '', detail: '1', transactionId: '' }, { orderId: 'other', ok: true, reason: '', detail: '2', transactionId: '' }],
    );
    const fast = relayOn(b, { async publishRaw(_topic, message) { order.push(detail(message.value)); } }, 10);
    await fast.drain(); // publishes 'other' only: k-0's second row waits for the first
    expect(order).toEqual(['2']);
    release();
    await waitFor(async () => ((await pending(a)) === 1 ? true : undefined), 'relay A to finish row 0');
    await fast.drain();
    expect(order).toEqual(['2', '0', '1']);
  });

  it('keeps the rows while publishing fails, and a new relay (a restarted process) publishes them on start', async () => {
    const ds = await open();
    await insertRows(ds, 30, 3);
    const failing = relayOn(ds, { publishRaw: () => Promise.reject(new Error('broker unavailable')) }, 100);
    failing.start();
    await waitFor(async () => (failing.failedRounds >= 2 ? true : undefined), 'two failed rounds');
    await failing.stop();
    expect(await pending(ds)).toBe(30);

    const got: string[] = [];
    const restarted = relayOn(ds, {
      async publishRaw(_topic, message) {
        got.push((decodeEvent(Topics.PaymentCompleted, message.value, { 'schema-version': '1' }) as PaymentCompletedEvent).detail);
      },
    }, 100);
    restarted.start();
    await waitFor(async () => ((await pending(ds)) === 0 ? true : undefined), 'the outbox to be empty');
    expect(got).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
  });
});
