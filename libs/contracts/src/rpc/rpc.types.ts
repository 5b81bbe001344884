import type { OrderCore, PaymentCompletedEvent, PaymentRequestedEvent, RejectReason } from '../events/order-events.types';

/**
 * Optional on requests whose work waits for the stage's capacity: the caller's deadline as
 * epoch milliseconds. A request whose turn comes after it is answered 504 without doing the
 * work (nothing held, nothing to undo), as gRPC deadlines propagate.
 */
export interface RpcDeadline {
  deadlineAtMs?: number;
}

/**
 * The buyer check of one order. The intake verified the buyer's token (signature, expiry,
 * subject) and sends what it proved, never the token; auth checks that the user exists and
 * is not banned, and that the token had not expired at the order's time.
 */
export interface TokenCheckRequest extends RpcDeadline {
  /** The buyer: the subject of the token the intake verified. */
  buyerId: string;
  /** When that token expires, epoch milliseconds. */
  tokenExpiresAtMs: number;
  /** The order's time (`OrderCore.createdAtMs`), epoch milliseconds. */
  orderCreatedAtMs: number;
}

export interface TokenCheckResponse {
  ok: boolean;
  /** The buyer's user id when ok, else ''. */
  userId: string;
  /** Why not, when not ok. */
  detail: string;
}

export interface SeatHoldRequest extends RpcDeadline {
  order: OrderCore;
}

export interface SeatHoldResponse {
  ok: boolean;
  reason: RejectReason | '';
  detail: string;
  /** The price locked for the order, in cents. */
  priceCents: number;
  /** True when a seat is now held for the order (confirm or release it). */
  seatHeld: boolean;
}

/** Release or confirm the seat of one order. */
export interface SeatOrderRequest {
  orderId: string;
}

export interface SeatReleaseResponse {
  /** False when the order held no seat (already released, sold, or never held). */
  released: boolean;
}

export interface SeatSaleResponse {
  /** False when the order holds no seat to sell. */
  sold: boolean;
}

export type ChargeRequest = PaymentRequestedEvent;
export type ChargeResponse = PaymentCompletedEvent;

/** The JSON body of an RPC error answer (400 names each bad field in `fields`). */
export interface RpcErrorBody {
  statusCode: number;
  error: string;
  message: string;
  fields?: Record<string, string[]>;
}

/** One stage's configured capacity (0 = unlimited) and its load when asked. */
export interface StageCapacityView {
  name: string;
  ratePerSecond: number;
  concurrency: number;
  burst: number;
  inProgress: number;
  waiting: number;
}

/** Answer of the `GET /capacity/<service>` endpoints. */
export interface CapacityReport {
  service: string;
  stages: StageCapacityView[];
}
