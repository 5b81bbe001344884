import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  AuthCheckedEvent,
  ConsumerGroups,
  CourseCheckedEvent,
  OrderCreatedEvent,
  PaymentCompletedEvent,
  SeatConfirmedEvent,
  Topics,
} from '@peak/contracts';
import { RethrowRpcExceptionFilter } from '@peak/messaging';
import { OrderLedgerService } from './order-ledger.service';

const GROUP = { group: ConsumerGroups.OrderService };

/** The aggregator (consumer group `order-service`): every fact about an order goes to the ledger. */
@Controller()
@UseFilters(RethrowRpcExceptionFilter)
export class OrderEventsController {
  constructor(private readonly ledger: OrderLedgerService) {}

  @EventPattern(Topics.OrderCreated, GROUP)
  onCreated(@Payload() e: OrderCreatedEvent): Promise<void> {
    return this.ledger.apply({ kind: 'created', order: e.order });
  }

  @EventPattern(Topics.AuthChecked, GROUP)
  onAuthChecked(@Payload() e: AuthCheckedEvent): Promise<void> {
    return this.ledger.apply({ kind: 'auth', order: e.order, ok: e.ok, detail: e.detail });
  }

  @EventPattern(Topics.CourseChecked, GROUP)
  onCourseChecked(@Payload() e: CourseCheckedEvent): Promise<void> {
    return this.ledger.apply({
      kind: 'course', order: e.order, ok: e.ok, reason: e.reason, detail: e.detail, priceCents: e.priceCents, seatHeld: e.seatHeld,
    });
  }

  @EventPattern(Topics.PaymentCompleted, GROUP)
  onPaymentCompleted(@Payload() e: PaymentCompletedEvent): Promise<void> {
    return this.ledger.apply({ kind: 'payment', orderId: e.orderId, ok: e.ok, reason: e.reason, detail: e.detail });
  }

  @EventPattern(Topics.SeatConfirmed, GROUP)
  onSeatConfirmed(@Payload() e: SeatConfirmedEvent): Promise<void> {
    return this.ledger.apply({ kind: 'seat-confirmed', orderId: e.orderId });
  }
}
