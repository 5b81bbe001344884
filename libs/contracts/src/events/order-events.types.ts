/** Event payloads of the order pipeline, as TypeScript sees them (protobuf on the wire). */

export const PAYMENT_METHODS = ['alipay', 'wechat'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const ORDER_STATUSES = ['PENDING', 'VALIDATED', 'PAID', 'CONFIRMED', 'REJECTED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const REJECT_REASONS = [
  'AUTH_FAILED',
  'COURSE_INVALID',
  'SOLD_OUT',
  'ALREADY_BOUGHT',
  'PAYMENT_FAILED',
  'TIMEOUT',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The facts of an order fixed at intake; copied into the check results so any of them can create the row. */
export interface OrderCore {
  orderId: string;
  /** The buyer: the subject of the Bearer token intake verified (non-empty, at most MAX_BUYER_ID_LENGTH characters). */
  buyerId: string;
  courseId: string;
  paymentMethod: PaymentMethod;
  idempotencyKey: string;
  createdAtMs: number;
  /** Price the buyer saw, in cents; 0 when not given. */
  expectedPriceCents: number;
}

/**
 * An order accepted at intake. The buyer's token was verified there (signature, `exp` after
 * the order's time, a sane `sub`); the event carries what it proved, never the token itself.
 */
export interface OrderCreatedEvent {
  order: OrderCore;
  /**
   * When the buyer's token expires, epoch milliseconds, as verified at intake (always after
   * `order.createdAtMs`). 0 in events written before intake verified tokens: auth rejects those.
   */
  tokenExpiresAtMs: number;
}

export interface AuthCheckedEvent {
  order: OrderCore;
  ok: boolean;
  /** AUTH_FAILED when not ok. */
  reason: RejectReason | '';
  detail: string;
  /** The user id the token proved, when ok. */
  userId: string;
}

export interface CourseCheckedEvent {
  order: OrderCore;
  ok: boolean;
  reason: RejectReason | '';
  detail: string;
  /** The price locked for this order, in cents. */
  priceCents: number;
  /** True when a seat is held for this order and must be confirmed or released. */
  seatHeld: boolean;
}

export interface PaymentRequestedEvent {
  orderId: string;
  buyerId: string;
  courseId: string;
  paymentMethod: PaymentMethod;
  amountCents: number;
}

export interface PaymentCompletedEvent {
  orderId: string;
  ok: boolean;
  reason: RejectReason | '';
  detail: string;
  transactionId: string;
}

export interface OrderStatusEvent {
  orderId: string;
  buyerId: string;
  courseId: string;
  status: OrderStatus;
  reason: RejectReason | '';
  /** True when course-validation holds a seat for this order (release it on REJECTED). */
  seatHeld: boolean;
  atMs: number;
}

export interface SeatConfirmedEvent {
  orderId: string;
  courseId: string;
}
