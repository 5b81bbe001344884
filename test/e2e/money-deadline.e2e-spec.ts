import { randomUUID } from 'node:crypto';
import { ConsumerGroups, OrderCore } from '@peak/contracts';
import { OrderDeadlineSweeper } from '../../apps/order-service/src/orders/order-deadline.sweeper';
import { OrderLedgerService } from '../../apps/order-service/src/orders/order-ledger.service';
import { GatewaysService } from '../../apps/payment/src/gateways/gateways.service';
import type { ChargeResult } from '../../apps/payment/src/gateways/simulated-gateway';
import { PipelineHarness } from './support/pipeline.harness';
import { waitFor } from './support/wait-for';

/**
 * Where money is decided: the order deadline against a charge in flight, on the real
 * PostgreSQL. The sweeper is driven by hand (its timer is off) and deadlines are moved with
 * SQL, so each interleaving is forced, not hoped for.
 */
describe('money: the deadline never rejects an order whose charge may still succeed', () => {
  let h: PipelineHarness;
  let sweeper: OrderDeadlineSweeper;
  let gateways: GatewaysService;

  beforeAll(async () => {
    h = await PipelineHarness.start({ ORDER_SWEEP_INTERVAL_MS: '600000' });
    sweeper = h.app.get(OrderDeadlineSweeper);
    gateways = h.app.get(GatewaysService);
    await h.addUsers(['m-1', 'm-2', 'm-3', 'm-4']);
    await h.addCourse('money', 10, 700);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await h?.close();
  });

  const pastDeadline = (orderId: string) =>
    h.pool.query(`UPDATE orders.orders SET deadline_at = now() - interval '1 second' WHERE order_id = $1`, [orderId]);
  const payment = async (orderId: string) =>
    (await h.pool.query(`SELECT status, reason FROM payments.payments WHERE order_id = $1`, [orderId])).rows[0] as { status: string; reason: string } | undefined;
  const seat = async (orderId: string) =>
    (await h.pool.query(`SELECT status FROM catalog.seat_reservations WHERE order_id = $1`, [orderId])).rows[0]?.status as string | undefined;
  /** Orders REJECTED whose charge SUCCEEDED: the state the design makes impossible. */
  const chargedAndRejected = async () =>
    (await h.pool.query(`SELECT count(*)::int AS n FROM orders.orders o JOIN payments.payments p USING (order_id)
                          WHERE o.status = 'REJECTED' AND p.status = 'SUCCEEDED'`)).rows[0].n as number;

  /** Holds every alipay charge until `release()`; the charge itself then runs as usual. */
  function holdCharges(): { release: () => void; started: Promise<void> } {
    const gateway = gateways.for('alipay');
    const original = gateway.charge.bind(gateway);
    let release!: () => void;
    let started!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const startedP = new Promise<void>((r) => (started = r));
    jest.spyOn(gateway, 'charge').mockImplementation(async (orderId: string, amount: number): Promise<ChargeResult> => {
      started();
      await gate;
      return original(orderId, amount);
    });
    return { release, started: startedP };
  }

  it('deadline passes while the charge is in flight, the success arrives after it: PAID then CONFIRMED, the seat sold', async () => {
    const held = holdCharges();
    const res = await h.order(h.token('m-1'), { courseId: 'money', paymentMethod: 'alipay' });
    const orderId: string = res.body.orderId;
    await held.started;
    expect(await payment(orderId)).toMatchObject({ status: 'PENDING' });
    await pastDeadline(orderId);
    expect(await sweeper.sweepOnce()).toBe(0); // the timeout comes first: the order is payment's
    expect(await h.orderRow(orderId)).toMatchObject({ status: 'VALIDATED' });
    held.release();
    expect(await h.finalOrder(orderId)).toMatchObject({ status: 'CONFIRMED' });
    expect(await payment(orderId)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await seat(orderId)).toBe('SOLD');
    jest.restoreAllMocks();
  });

  it('the success first, the deadline after: CONFIRMED, the sweep changes nothing', async () => {
    const res = await h.order(h.token('m-2'), { courseId: 'money', paymentMethod: 'alipay' });
    const orderId: string = res.body.orderId;
    expect(await h.finalOrder(orderId)).toMatchObject({ status: 'CONFIRMED' });
    await pastDeadline(orderId);
    await sweeper.sweepOnce();
    expect(await h.orderRow(orderId)).toMatchObject({ status: 'CONFIRMED' });
  });

  it('the deadline passes before payment starts the charge: payment gives up, nothing is charged, REJECTED TIMEOUT, seat released', async () => {
    await h.server.stopGroup(ConsumerGroups.Payment);
    await h.server.stopGroup(ConsumerGroups.Auth);
    const charges = gateways.for('alipay').chargeCount;
    const seatsBefore = await h.seatsLeft('money');
    const res = await h.order(h.token('m-3'), { courseId: 'money', paymentMethod: 'alipay' });
    const orderId: string = res.body.orderId;
    await waitFor(async () => ((await seat(orderId)) === 'HELD' ? true : undefined), 'the seat to be held');
    await waitFor(async () => ((await h.orderRow(orderId)) ? true : undefined), 'the order row');
    await pastDeadline(orderId); // before validation, so PaymentRequested carries a deadline already past
    await h.server.startGroup(ConsumerGroups.Auth);
    await waitFor(async () => ((await h.orderRow(orderId))?.status === 'VALIDATED' ? true : undefined), 'VALIDATED');
    expect(await sweeper.sweepOnce()).toBe(0);
    await h.server.startGroup(ConsumerGroups.Payment);
    expect(await h.finalOrder(orderId)).toMatchObject({ status: 'REJECTED', reason: 'TIMEOUT' });
    expect(await payment(orderId)).toMatchObject({ status: 'FAILED', reason: 'TIMEOUT' });
    expect(gateways.for('alipay').chargeCount).toBe(charges);
    await waitFor(async () => ((await h.seatsLeft('money')) === seatsBefore ? true : undefined), 'the seat to be released');
  });

  it('the ledger, fed the timeout and the successful charge in both orders, never ends REJECTED after a success', async () => {
    const ledger = h.app.get(OrderLedgerService);
    await h.server.stopGroup(ConsumerGroups.Payment); // the facts below stand in for payment
    try {
      for (const order of ['timeout-first', 'success-first'] as const) {
        const core: OrderCore = {
          orderId: randomUUID(), buyerId: `ledger-${order}`, courseId: 'money', paymentMethod: 'alipay',
          idempotencyKey: order, createdAtMs: Date.now(), expectedPriceCents: 0,
        };
        await ledger.apply({ kind: 'auth', order: core, ok: true, detail: '' });
        await ledger.apply({ kind: 'course', order: core, ok: true, reason: '', detail: '', priceCents: 700, seatHeld: true });
        expect(await h.orderRow(core.orderId)).toMatchObject({ status: 'VALIDATED' });
        await pastDeadline(core.orderId);
        const timeout = () => ledger.apply({ kind: 'timeout', orderId: core.orderId });
        const success = () => ledger.apply({ kind: 'payment', orderId: core.orderId, ok: true, reason: '', detail: 'charged' });
        if (order === 'timeout-first') {
          await timeout();
          await success();
        } else {
          await success();
          await timeout();
        }
        expect(await h.orderRow(core.orderId)).toMatchObject({ status: 'PAID', reason: null });
      }
    } finally {
      await h.server.startGroup(ConsumerGroups.Payment);
    }
    expect(await chargedAndRejected()).toBe(0);
  });
});
