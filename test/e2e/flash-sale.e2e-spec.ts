import { randomUUID } from 'node:crypto';
import { PipelineHarness } from './support/pipeline.harness';
import { waitFor } from './support/wait-for';

const BUYERS = 500;
const SEATS = 50;

describe('order pipeline: flash sale and idempotency', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start();
    await h.addUsers(Array.from({ length: BUYERS }, (_, i) => `fan-${i}`));
    await h.addUsers(['repeat-buyer']);
    await h.addCourse('flash', SEATS, 990);
    await h.addCourse('plenty', 1_000, 500);
  });

  afterAll(async () => {
    await h?.close();
  });

  it(`sells exactly ${SEATS} seats to ${BUYERS} concurrent buyers; the rest are SOLD_OUT`, async () => {
    const responses = await Promise.all(
      Array.from({ length: BUYERS }, (_, i) =>
        h.order(h.token(`fan-${i}`), { courseId: 'flash', paymentMethod: i % 2 ? 'alipay' : 'wechat' }),
      ),
    );
    expect(responses.every((r) => r.status === 202)).toBe(true);
    const ids = responses.map((r) => r.body.orderId as string);
    expect(new Set(ids).size).toBe(BUYERS);

    const counts = await waitFor(
      async () => {
        const { rows } = await h.pool.query(
          `SELECT status, reason, count(*)::int AS n FROM orders.orders WHERE course_id = 'flash' GROUP BY status, reason`,
        );
        const done = rows.filter((r) => r.status === 'CONFIRMED' || r.status === 'REJECTED').reduce((a, r) => a + r.n, 0);
        return done === BUYERS ? rows : undefined;
      },
      'all flash-sale orders to finish',
      60_000,
      100,
    );
    const by = Object.fromEntries(counts.map((r) => [`${r.status}:${r.reason ?? ''}`, r.n]));
    expect(by).toEqual({ 'CONFIRMED:': SEATS, 'REJECTED:SOLD_OUT': BUYERS - SEATS });
    expect(await h.seatsLeft('flash')).toBe(0);
    const sold = await h.pool.query(`SELECT count(*)::int AS n FROM catalog.seat_reservations WHERE course_id = 'flash' AND status = 'SOLD'`);
    expect(sold.rows[0].n).toBe(SEATS);
    const charged = await h.pool.query(`SELECT count(*)::int AS n FROM payments.payments WHERE status = 'SUCCEEDED'`);
    expect(charged.rows[0].n).toBe(SEATS);
  }, 90_000);

  it('returns the same order for the same Idempotency-Key, sequentially and concurrently, and charges once', async () => {
    const token = h.token('repeat-buyer');
    const key = randomUUID();
    const first = await h.order(token, { courseId: 'plenty', paymentMethod: 'alipay' }, key);
    const again = await h.order(token, { courseId: 'plenty', paymentMethod: 'alipay' }, key);
    const burst = await Promise.all(Array.from({ length: 20 }, () => h.order(token, { courseId: 'plenty', paymentMethod: 'alipay' }, key)));
    for (const r of [again, ...burst]) expect(r.body).toEqual({ orderId: first.body.orderId, status: 'PENDING' });

    expect(await h.finalOrder(first.body.orderId)).toMatchObject({ status: 'CONFIRMED' });
    const rows = await h.pool.query(`SELECT count(*)::int AS n FROM orders.orders WHERE buyer_id = 'repeat-buyer'`);
    expect(rows.rows[0].n).toBe(1);
    const payments = await h.pool.query(`SELECT count(*)::int AS n FROM payments.payments WHERE order_id = $1`, [first.body.orderId]);
    expect(payments.rows[0].n).toBe(1);
    expect(await h.seatsLeft('plenty')).toBe(999);
  });

  it('gives a different order to a different key of the same buyer, and to another buyer with the same key', async () => {
    const key = randomUUID();
    const a = await h.order(h.token('fan-1'), { courseId: 'plenty', paymentMethod: 'alipay' }, key);
    const b = await h.order(h.token('fan-2'), { courseId: 'plenty', paymentMethod: 'alipay' }, key);
    const c = await h.order(h.token('fan-1'), { courseId: 'plenty', paymentMethod: 'alipay' }, randomUUID());
    expect(new Set([a.body.orderId, b.body.orderId, c.body.orderId]).size).toBe(3);
  });
});
