import {
  OrderCore,
  OrderStatus,
  OrderStatusEvent,
  PaymentMethod,
  PaymentRequestedEvent,
  RejectReason,
  Topics,
} from '@peak/contracts';
import { deadlineHeader } from '@peak/messaging';

/** The aggregator's view of one order (one row of orders.orders). */
export interface OrderState {
  orderId: string;
  buyerId: string;
  courseId: string;
  paymentMethod: PaymentMethod;
  status: OrderStatus;
  reason: RejectReason | null;
  detail: string;
  authOk: boolean | null;
  courseOk: boolean | null;
  seatHeld: boolean;
  amountCents: number | null;
  validatedAt: Date | null;
  paidAt: Date | null;
  confirmedAt: Date | null;
  rejectedAt: Date | null;
  /** When the order times out if still PENDING; travels with PaymentRequested as payment's deadline to start the charge. */
  deadlineAt: Date | null;
}

/** Everything the aggregator learns about an order, from events or from the deadline sweeper. */
export type OrderFact =
  | { kind: 'created'; order: OrderCore }
  | { kind: 'auth'; order: OrderCore; ok: boolean; detail: string }
  | { kind: 'course'; order: OrderCore; ok: boolean; reason: RejectReason | ''; detail: string; priceCents: number; seatHeld: boolean }
  | { kind: 'payment'; orderId: string; ok: boolean; reason: RejectReason | ''; detail: string }
  | { kind: 'seat-confirmed'; orderId: string }
  | { kind: 'timeout'; orderId: string };

export type Emission =
  | { topic: typeof Topics.PaymentRequested; key: string; event: PaymentRequestedEvent; headers?: Record<string, string> }
  | { topic: typeof Topics.OrderStatus; key: string; event: OrderStatusEvent; headers?: Record<string, string> };

export interface Transition {
  state: OrderState;
  changed: boolean;
  emits: Emission[];
}

export function factOrderId(fact: OrderFact): string {
  return 'order' in fact ? fact.order.orderId : fact.orderId;
}

function statusEvent(s: OrderState, now: Date): Emission {
  return {
    topic: Topics.OrderStatus,
    key: s.orderId,
    event: {
      orderId: s.orderId,
      buyerId: s.buyerId,
      courseId: s.courseId,
      status: s.status,
      reason: s.reason ?? '',
      seatHeld: s.seatHeld,
      atMs: now.getTime(),
    },
  };
}

/** Asks payment to charge; the order's deadline goes with it (payment gives up on a charge it has not started by then). */
function paymentRequest(s: OrderState): Emission {
  return {
    topic: Topics.PaymentRequested,
    key: s.orderId,
    ...(s.deadlineAt ? { headers: deadlineHeader(s.deadlineAt.getTime()) } : {}),
    event: {
      orderId: s.orderId,
      buyerId: s.buyerId,
      courseId: s.courseId,
      paymentMethod: s.paymentMethod,
      amountCents: s.amountCents ?? 0,
    },
  };
}

/**
 * What the current state asks the world to do. Re-emitted when a fact turns out to be a
 * duplicate, so an effect lost between our commit and our publish is redone by the
 * redelivery (consumers downstream are idempotent).
 */
function currentDemands(s: OrderState, now: Date): Emission[] {
  switch (s.status) {
    case 'VALIDATED':
      return [paymentRequest(s)];
    case 'PAID':
    case 'CONFIRMED':
    case 'REJECTED':
      return [statusEvent(s, now)];
    default:
      return [];
  }
}

function reject(s: OrderState, reason: RejectReason, detail: string, now: Date): Transition {
  const state: OrderState = { ...s, status: 'REJECTED', reason, detail, rejectedAt: now };
  return { state, changed: true, emits: [statusEvent(state, now)] };
}

/** After a check result: decide while PENDING (first failing check wins, both ok → VALIDATED). */
function decide(s: OrderState, now: Date, courseReason: RejectReason | '', detail: string): Transition {
  if (s.status !== 'PENDING') {
    // Already decided (e.g. rejected by auth or timeout); a seat held now must go back.
    return { state: s, changed: true, emits: s.status === 'REJECTED' && s.seatHeld ? [statusEvent(s, now)] : [] };
  }
  if (s.authOk === false) return reject(s, 'AUTH_FAILED', detail, now);
  if (s.courseOk === false) return reject(s, courseReason || 'COURSE_INVALID', detail, now);
  if (s.authOk && s.courseOk) {
    const state: OrderState = { ...s, status: 'VALIDATED', validatedAt: now };
    return { state, changed: true, emits: [paymentRequest(state), statusEvent(state, now)] };
  }
  return { state: s, changed: true, emits: [] };
}

/**
 * The order state machine: PENDING → VALIDATED → PAID → CONFIRMED, or REJECTED with a
 * reason. Pure: returns the next state and the events to publish (through the outbox, in the
 * transaction that stores it).
 *
 * Where money is decided: from VALIDATED on (PaymentRequested sent) payment alone decides the
 * order's fate. The deadline cannot reject a VALIDATED order, so no order is REJECTED while
 * its charge may still succeed; payment applies the deadline to the charge instead (it gives
 * up on a charge it has not started by the order's deadline and reports TIMEOUT, having
 * charged nothing).
 */
export function applyFact(s: OrderState, fact: OrderFact, now: Date): Transition {
  const unchanged: Transition = { state: s, changed: false, emits: currentDemands(s, now) };
  switch (fact.kind) {
    case 'created':
      return { state: s, changed: false, emits: [] };
    case 'auth':
      if (s.authOk !== null) return unchanged;
      return decide({ ...s, authOk: fact.ok }, now, '', fact.detail);
    case 'course':
      if (s.courseOk !== null) return unchanged;
      return decide(
        { ...s, courseOk: fact.ok, seatHeld: fact.seatHeld, amountCents: fact.ok ? fact.priceCents : s.amountCents },
        now,
        fact.reason,
        fact.detail,
      );
    case 'payment':
      if (s.status !== 'VALIDATED') return unchanged;
      if (!fact.ok) return reject(s, fact.reason === 'TIMEOUT' ? 'TIMEOUT' : 'PAYMENT_FAILED', fact.detail, now);
      {
        const state: OrderState = { ...s, status: 'PAID', paidAt: now };
        return { state, changed: true, emits: [statusEvent(state, now)] };
      }
    case 'seat-confirmed':
      if (s.status !== 'PAID') return unchanged;
      {
        const state: OrderState = { ...s, status: 'CONFIRMED', confirmedAt: now };
        return { state, changed: true, emits: [statusEvent(state, now)] };
      }
    case 'timeout':
      // Only an order whose checks have not both come back; a VALIDATED order belongs to payment.
      if (s.status !== 'PENDING') return { state: s, changed: false, emits: [] };
      return reject(s, 'TIMEOUT', 'order passed its deadline', now);
  }
}
