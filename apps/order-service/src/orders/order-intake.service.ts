import { Injectable } from '@nestjs/common';
import { Topics } from '@peak/contracts';
import { EventPublisher } from '@peak/messaging';
import { OrdersMetrics } from '../metrics/orders.metrics';
import { CreateOrderDto, OrderAcceptedDto } from './create-order.dto';
import { orderCoreOf, VerifiedBuyer } from './buyer-identity';

/**
 * Intake: turns a valid request of a verified buyer into an OrderCreated event and waits for
 * the broker's acks=-1. No database round trip: the order id comes from (buyer,
 * Idempotency-Key), the event is the record, and the aggregator stores the row (batched) from
 * it. Repeats of a key produce the same id; every consumer keeps the first event of an order.
 * The event carries the buyer id and the token's expiry, never the token.
 */
@Injectable()
export class OrderIntakeService {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly metrics: OrdersMetrics,
  ) {}

  async accept(buyer: VerifiedBuyer, idempotencyKey: string, body: CreateOrderDto): Promise<OrderAcceptedDto> {
    const started = performance.now();
    const order = orderCoreOf(buyer, idempotencyKey, body);
    const { orderId } = order;
    try {
      // Urgent: the buyer waits for this acknowledgement; it never lingers for company.
      await this.publisher.publish(Topics.OrderCreated, orderId, { order, tokenExpiresAtMs: buyer.tokenExpiresAtMs }, { urgent: true });
    } catch (err) {
      this.metrics.intakeFailed();
      throw err;
    }
    this.metrics.intakeAccepted((performance.now() - started) / 1000);
    return { orderId, status: 'PENDING' };
  }
}
