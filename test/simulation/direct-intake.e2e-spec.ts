import { Topics } from '@peak/contracts';
import { PipelineHarness } from '../e2e/support/pipeline.harness';
import { waitFor } from '../e2e/support/wait-for';

/** Payment latency of the slow gateway (alipay): well past the direct timeout. */
const SLOW_CHARGE_MS = 800;
const DIRECT_TIMEOUT_MS = 300;

describe('order-service direct mode (ORDER_INTAKE_MODE=direct): the synchronous call chain', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start({
      ORDER_INTAKE_MODE: 'direct',
      DIRECT_TIMEOUT_MS: String(DIRECT_TIMEOUT_MS),
      DIRECT_PAYMENT_POOL: '1',
      PAYMENT_ALIPAY_LATENCY_MEDIAN_MS: String(SLOW_CHARGE_MS),
      PAYMENT_ALIPAY_LATENCY_P99_MS: String(SLOW_CHARGE_MS),
    });
    // No *_URL set: the intake calls the RPC endpoints on its own HTTP server (as with npm start).
    await h.app.listen(0, '127.0.0.1');
    await h.addUsers(['d-1', 'd-2', 'd-3', 'd-4', 'd-5']);
    await h.addUsers(['d-banned'], true);
    await h.addCourse('direct-course', 10, 500);
    await h.addCourse('direct-last-seat', 1, 500);
  });

  afterAll(async () => {
    await h?.close();
  });

  const statusOf = async (orderId: string) => h.orderRow(orderId);

  it('answers with the final status in the request, writes the row, and puts nothing on the broker', async () => {
    const res = await h.order(h.token('d-1'), { courseId: 'direct-course', paymentMethod: 'wechat' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ orderId: expect.any(String), status: 'CONFIRMED', reason: null });
    expect(await statusOf(res.body.orderId)).toMatchObject({ status: 'CONFIRMED', reason: null, seat_held: true });
    expect(await h.seatsLeft('direct-course')).toBe(9);

    const banned = await h.order(h.token('d-banned'), { courseId: 'direct-course', paymentMethod: 'wechat' });
    expect(banned.body).toMatchObject({ status: 'REJECTED', reason: 'AUTH_FAILED' });

    const admin = h.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(Topics.OrderCreated);
    await admin.disconnect();
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(0);
  });

  it('the same buyer and Idempotency-Key is one order', async () => {
    const a = await h.order(h.token('d-2'), { courseId: 'direct-course', paymentMethod: 'wechat' }, 'key-1');
    const b = await h.order(h.token('d-2'), { courseId: 'direct-course', paymentMethod: 'wechat' }, 'key-1');
    expect(b.body.orderId).toBe(a.body.orderId);
    expect(b.body.status).toBe('CONFIRMED');
  });

  it('answers REJECTED SOLD_OUT in the request when the last seat is gone', async () => {
    const first = await h.order(h.token('d-3'), { courseId: 'direct-last-seat', paymentMethod: 'wechat' });
    const second = await h.order(h.token('d-4'), { courseId: 'direct-last-seat', paymentMethod: 'wechat' });
    expect(first.body).toMatchObject({ status: 'CONFIRMED' });
    expect(second.body).toMatchObject({ status: 'REJECTED', reason: 'SOLD_OUT' });
  });

  it('past DIRECT_TIMEOUT_MS answers 504: a charge already at the gateway completes, one still waiting is cancelled and its seat released', async () => {
    const seatsBefore = await h.seatsLeft('direct-course');
    const started = Date.now();
    const [charging, waiting] = await Promise.all([
      h.order(h.token('d-4'), { courseId: 'direct-course', paymentMethod: 'alipay' }, 'slow-1'),
      h.order(h.token('d-5'), { courseId: 'direct-course', paymentMethod: 'alipay' }, 'slow-2'),
    ]);
    expect(Date.now() - started).toBeLessThan(SLOW_CHARGE_MS);
    expect(charging.status).toBe(504);
    expect(waiting.status).toBe(504);
    // The order ids are not in a 504 answer; find the rows by buyer and key.
    const rows = await waitFor(async () => {
      const { rows } = await h.pool.query<{ buyer_id: string; status: string; reason: string | null }>(
        `SELECT buyer_id, status, reason FROM orders.orders WHERE idempotency_key IN ('slow-1', 'slow-2') ORDER BY buyer_id`,
      );
      return rows.length === 2 && rows.every((r) => r.status === 'CONFIRMED' || r.status === 'REJECTED') ? rows : undefined;
    }, 'both slow orders to become final', 10_000);
    const outcomes = rows.map((r) => `${r.status}:${r.reason ?? ''}`).sort();
    expect(outcomes).toEqual(['CONFIRMED:', 'REJECTED:TIMEOUT']);
    expect(await h.seatsLeft('direct-course')).toBe(seatsBefore - 1);
  });
});
