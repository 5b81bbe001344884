import { OrderCore, Topics } from '@peak/contracts';
import { applyFact, OrderFact, OrderState } from './order-state';

const now = new Date('2025-01-01T00:00:00Z');
const core: OrderCore = {
  orderId: 'o-1', buyerId: 'u-1', courseId: 'c-1', paymentMethod: 'alipay', idempotencyKey: 'k', createdAtMs: 1, expectedPriceCents: 0,
};
const pending: OrderState = {
  orderId: 'o-1', buyerId: 'u-1', courseId: 'c-1', paymentMethod: 'alipay', status: 'PENDING', reason: null, detail: '',
  authOk: null, courseOk: null, seatHeld: false, amountCents: null, validatedAt: null, paidAt: null, confirmedAt: null, rejectedAt: null,
};
const authOk: OrderFact = { kind: 'auth', order: core, ok: true, detail: '' };
const courseOk: OrderFact = { kind: 'course', order: core, ok: true, reason: '', detail: '', priceCents: 990, seatHeld: true };

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
    const { state } = run(authOk, courseOk, { kind: 'payment', orderId: 'o-1', ok: true, detail: '' }, { kind: 'seat-confirmed', orderId: 'o-1' });
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
    const { state } = run(authOk, courseOk, { kind: 'payment', orderId: 'o-1', ok: false, detail: 'declined' });
    expect(state).toMatchObject({ status: 'REJECTED', reason: 'PAYMENT_FAILED', seatHeld: true });
  });

  it('times out only open orders', () => {
    expect(run({ kind: 'timeout', orderId: 'o-1' }).state).toMatchObject({ status: 'REJECTED', reason: 'TIMEOUT' });
    const paid = run(authOk, courseOk, { kind: 'payment', orderId: 'o-1', ok: true, detail: '' });
    expect(applyFact(paid.state, { kind: 'timeout', orderId: 'o-1' }, now).state.status).toBe('PAID');
  });

  it('re-emits what the state demands on a duplicate fact, without changing it', () => {
    const validated = run(authOk, courseOk).state;
    const again = applyFact(validated, authOk, now);
    expect(again.changed).toBe(false);
    expect(again.emits.map((e) => e.topic)).toEqual([Topics.PaymentRequested]);
  });
});
