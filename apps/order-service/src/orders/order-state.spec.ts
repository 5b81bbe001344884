import { OrderCore, Topics } from '@peak/contracts';
import { DEADLINE_AT_HEADER } from '@peak/messaging';
import { applyFact, OrderFact, OrderState } from './order-state';

const now = new Date('2025-01-01T00:00:00Z');
const core: OrderCore = {
  orderId: 'o-1', buyerId: 'u-1', courseId: 'c-1', paymentMethod: 'alipay', idempotencyKey: 'k', createdAtMs: 1, expectedPriceCents: 0,
};
const pending: OrderState = {
  orderId: 'o-1', buyerId: 'u-1', courseId: 'c-1', paymentMethod: 'alipay', status: 'PENDING', reason: null, detail: '',
  authOk: null, courseOk: null, seatHeld: false, amountCents: null, validatedAt: null, paidAt: null, confirmedAt: null, rejectedAt: null,
  deadlineAt: new Date('2025-01-01T00:01:00Z'),
};
const authOk: OrderFact = { kind: 'auth', order: core, ok: true, detail: '' };
const courseOk: OrderFact = { kind: 'course', order: core, ok: true, reason: '', detail: '', priceCents: 990, seatHeld: true };
const paid: OrderFact = { kind: 'payment', orderId: 'o-1', ok: true, reason: '', detail: '' };
const timeout: OrderFact = { kind: 'timeout', orderId: 'o-1' };

function run(...facts: OrderFact[]) {
  let state = pending;
  const topics: string[] = [];
  for (const f of facts) {
    const t = applyFact(state, f, now);
    state = t.state;
    topics.push(...t.emits.map((e) => (e.topic === Topics.OrderStatus ? `${e.topic}:${e.event.status}` : e.topic)));
  }
  return { state, topics };
}

describe('applyFact', () => {
  it('validates when both checks pass, in either order, and requests the payment once', () => {
    for (const facts of [[authOk, courseOk], [courseOk, authOk]]) {
      const { state, topics } = run(...facts);
      expect(state).toMatchObject({ status: 'VALIDATED', amountCents: 990 });
      expect(topics).toEqual([Topics.PaymentRequested, `${Topics.OrderStatus}:VALIDATED`]);
    }
  });

  it('walks PAID → CONFIRMED on payment success and seat confirmation', () => {
    const { state } = run(authOk, courseOk, paid, { kind: 'seat-confirmed', orderId: 'o-1' });
    expect(state.status).toBe('CONFIRMED');
  });

  it('rejects with AUTH_FAILED and asks for the held seat back', () => {
    const { state, topics } = run(courseOk, { ...authOk, ok: false, detail: 'bad' });
    expect(state).toMatchObject({ status: 'REJECTED', reason: 'AUTH_FAILED', seatHeld: true });
    expect(topics).toEqual([`${Topics.OrderStatus}:REJECTED`]);
  });

  it('releases a seat held after the order was already rejected', () => {
    const { topics } = run({ ...authOk, ok: false, detail: 'bad' }, courseOk);
    expect(topics).toEqual([`${Topics.OrderStatus}:REJECTED`, `${Topics.OrderStatus}:REJECTED`]);
  });

  it('keeps the course reason (SOLD_OUT, ALREADY_BOUGHT)', () => {
    const { state } = run({ ...courseOk, ok: false, reason: 'SOLD_OUT', seatHeld: false }, authOk);
    expect(state).toMatchObject({ status: 'REJECTED', reason: 'SOLD_OUT' });
  });

  it('rejects PAYMENT_FAILED from VALIDATED', () => {
    const { state } = run(authOk, courseOk, { kind: 'payment', orderId: 'o-1', ok: false, reason: 'PAYMENT_FAILED', detail: 'declined' });
    expect(state).toMatchObject({ status: 'REJECTED', reason: 'PAYMENT_FAILED', seatHeld: true });
  });

  it('times out only orders still PENDING (checks not both back)', () => {
    expect(run(timeout).state).toMatchObject({ status: 'REJECTED', reason: 'TIMEOUT' });
    expect(run(authOk, timeout).state).toMatchObject({ status: 'REJECTED', reason: 'TIMEOUT' });
    expect(applyFact(run(authOk, courseOk, paid).state, timeout, now).state.status).toBe('PAID');
  });

  it('sends the order deadline with the payment request, as payment\'s deadline to start the charge', () => {
    const t = applyFact(run(authOk).state, courseOk, now);
    const request = t.emits.find((e) => e.topic === Topics.PaymentRequested);
    expect(request?.headers).toEqual({ [DEADLINE_AT_HEADER]: String(pending.deadlineAt?.getTime()) });
  });

  describe('the deadline against a charge in flight (payment owns a VALIDATED order)', () => {
    it('timeout first, late successful charge second: the charge counts, the order is PAID and keeps its seat', () => {
      const { state, topics } = run(authOk, courseOk, timeout, paid);
      expect(state).toMatchObject({ status: 'PAID', reason: null, seatHeld: true });
      expect(topics).not.toContain(`${Topics.OrderStatus}:REJECTED`);
    });

    it('successful charge first, timeout second: PAID, the timeout changes nothing', () => {
      const { state, topics } = run(authOk, courseOk, paid, timeout);
      expect(state).toMatchObject({ status: 'PAID', reason: null });
      expect(topics).not.toContain(`${Topics.OrderStatus}:REJECTED`);
    });

    it('payment gave up at the deadline (nothing charged): REJECTED TIMEOUT and the seat goes back', () => {
      const { state, topics } = run(authOk, courseOk, timeout, { kind: 'payment', orderId: 'o-1', ok: false, reason: 'TIMEOUT', detail: 'deadline passed' });
      expect(state).toMatchObject({ status: 'REJECTED', reason: 'TIMEOUT', seatHeld: true });
      expect(topics[topics.length - 1]).toBe(`${Topics.OrderStatus}:REJECTED`);
    });

    it('once REJECTED by payment, a late success (impossible from payment\'s record, but redelivered) changes nothing', () => {
      const failed = run(authOk, courseOk, { kind: 'payment', orderId: 'o-1', ok: false, reason: 'TIMEOUT', detail: '' }).state;
      expect(applyFact(failed, paid, now).state.status).toBe('REJECTED');
    });
  });

  it('re-emits what the state demands on a duplicate fact, without changing it', () => {
    const validated = run(authOk, courseOk).state;
    const again = applyFact(validated, authOk, now);
    expect(again.changed).toBe(false);
    expect(again.emits.map((e) => e.topic)).toEqual([Topics.PaymentRequested]);
  });
});
