import type { OrderStatus, RejectReason } from '@peak/contracts';
import type { VerifiedBuyer } from './buyer-identity';
import type { CreateOrderDto } from './create-order.dto';

/** Injection token of the intake path POST /orders uses (broker by default, direct when configured). */
export const ORDER_INTAKE = Symbol('ORDER_INTAKE');

/** What POST /orders answers: the order id and its status when the answer was sent. */
export interface OrderReceipt {
  orderId: string;
  status: OrderStatus;
  reason?: RejectReason | null;
}

/** An intake path: turns a valid request of a verified buyer into an order. Errors become 5xx answers. */
export interface OrderIntake {
  accept(buyer: VerifiedBuyer, idempotencyKey: string, body: CreateOrderDto): Promise<OrderReceipt>;
}
