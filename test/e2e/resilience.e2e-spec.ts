import { AssignerProtocol } from 'kafkajs';
import { ConsumerGroups } from '@peak/contracts';
import { PipelineHarness } from './support/pipeline.harness';
import { waitFor } from './support/wait-for';

const ORDERS = 60;

async function statusCounts(h: PipelineHarness, course: string): Promise<Record<string, number>> {
  const { rows } = await h.pool.query(`SELECT status, count(*)::int AS n FROM orders.orders WHERE course_id = $1 GROUP BY status`, [course]);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

describe('order pipeline: consumers going away', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start();
    await h.addUsers(Array.from({ length: ORDERS * 2 }, (_, i) => `r-${i}`));
    await h.addCourse('stop-start', 1_000, 700);
    await h.addCourse('restart', 1_000, 800);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('runs every service as its own group with two members sharing the partitions', async () => {
    const admin = h.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups(Object.values(ConsumerGroups));
      for (const g of groups) {
        expect(g.members).toHaveLength(2);
        const assigned = g.members.map((m) => {
          const a = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
          return Object.values(a?.assignment ?? {}).reduce((n, parts) => n + parts.length, 0);
        });
        // Both members own partitions: the group splits the work (point-to-point).
        expect(assigned.every((n) => n > 0)).toBe(true);
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('finishes every order once the stopped payment consumers start again, charging each once', async () => {
    await h.server.stopGroup(ConsumerGroups.Payment);
    const res = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) => h.order(h.token(`r-${i}`), { courseId: 'stop-start', paymentMethod: 'alipay' })),
    );
    // Everything upstream of payment keeps moving: orders reach VALIDATED and wait.
    await waitFor(async () => ((await statusCounts(h, 'stop-start')).VALIDATED === ORDERS ? true : undefined), 'orders to wait at VALIDATED');

    await h.server.startGroup(ConsumerGroups.Payment);
    await Promise.all(res.map((r) => h.finalOrder(r.body.orderId)));
    expect(await statusCounts(h, 'stop-start')).toEqual({ CONFIRMED: ORDERS });
    const { rows } = await h.pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT order_id)::int AS d FROM payments.payments p
        JOIN orders.orders o USING (order_id) WHERE o.course_id = 'stop-start' AND p.status = 'SUCCEEDED'`,
    );
    expect(rows[0]).toEqual({ n: ORDERS, d: ORDERS });
    expect(await h.seatsLeft('stop-start')).toBe(1_000 - ORDERS);
  });

  it('finishes every order when the whole application restarts mid-stream, with no effect twice', async () => {
    const res = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) => h.order(h.token(`r-${ORDERS + i}`), { courseId: 'restart', paymentMethod: 'wechat' })),
    );
    await h.restart();
    await Promise.all(res.map((r) => h.finalOrder(r.body.orderId, 30_000)));
    expect(await statusCounts(h, 'restart')).toEqual({ CONFIRMED: ORDERS });
    expect(await h.seatsLeft('restart')).toBe(1_000 - ORDERS);
    const sold = await h.pool.query(`SELECT count(*)::int AS n FROM catalog.seat_reservations WHERE course_id = 'restart' AND status = 'SOLD'`);
    expect(sold.rows[0].n).toBe(ORDERS);
    const paid = await h.pool.query(
      `SELECT count(*)::int AS n FROM payments.payments p JOIN orders.orders o USING (order_id) WHERE o.course_id = 'restart'`,
    );
    expect(paid.rows[0].n).toBe(ORDERS);
  }, 60_000);
});
