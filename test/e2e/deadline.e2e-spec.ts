import { ConsumerGroups } from '@peak/contracts';
import { OrderDeadlineSweeper } from '../../apps/order-service/src/orders/order-deadline.sweeper';
import { PipelineHarness } from './support/pipeline.harness';
import { waitFor } from './support/wait-for';

describe('order pipeline: deadline sweeper', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start({ ORDER_DEADLINE_MS: '800', ORDER_SWEEP_INTERVAL_MS: '50' });
    await h.addUsers(['slow-1', 'slow-2']);
    await h.addCourse('slow', 3, 100);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('an order waiting for payment past its deadline is payment\'s to end: it gives up without charging (TIMEOUT) and the seat is released', async () => {
    await h.server.stopGroup(ConsumerGroups.Payment);
    const res = await h.order(h.token('slow-1'), { courseId: 'slow', paymentMethod: 'alipay' });
    await waitFor(async () => ((await h.orderRow(res.body.orderId))?.status === 'VALIDATED' ? true : undefined), 'VALIDATED');
    expect(await h.seatsLeft('slow')).toBe(2);
    await waitFor(async () => ((await h.pool.query(`SELECT deadline_at < now() AS past FROM orders.orders WHERE order_id = $1`, [res.body.orderId])).rows[0].past ? true : undefined), 'the deadline to pass');
    await h.app.get(OrderDeadlineSweeper).sweepOnce();
    expect(await h.orderRow(res.body.orderId)).toMatchObject({ status: 'VALIDATED' });

    await h.server.startGroup(ConsumerGroups.Payment);
    expect(await h.finalOrder(res.body.orderId)).toMatchObject({ status: 'REJECTED', reason: 'TIMEOUT' });
    const paid = await h.pool.query(`SELECT status, reason FROM payments.payments WHERE order_id = $1`, [res.body.orderId]);
    expect(paid.rows[0]).toEqual({ status: 'FAILED', reason: 'TIMEOUT' });
    await waitFor(async () => ((await h.seatsLeft('slow')) === 3 ? true : undefined), 'the seat to be released');
  });

  it('cancels an order whose checks never arrive', async () => {
    await h.server.stopGroup(ConsumerGroups.Auth);
    const res = await h.order(h.token('slow-2'), { courseId: 'slow', paymentMethod: 'alipay' });
    expect(await h.finalOrder(res.body.orderId)).toMatchObject({ status: 'REJECTED', reason: 'TIMEOUT' });
    await waitFor(async () => ((await h.seatsLeft('slow')) === 3 ? true : undefined), 'the seat to be released');
    await h.server.startGroup(ConsumerGroups.Auth);
  });
});
