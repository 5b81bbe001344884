import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ConsumerGroups, OrderCreatedEvent, Topics } from '@peak/contracts';
import { EventPublisher, RethrowRpcExceptionFilter } from '@peak/messaging';
import { TokenChecksService } from './token-checks.service';

/** auth's event handler (consumer group `auth`). */
@Controller()
@UseFilters(RethrowRpcExceptionFilter)
export class TokenChecksController {
  constructor(
    private readonly checks: TokenChecksService,
    private readonly publisher: EventPublisher,
  ) {}

  /**
   * Checks the order's buyer (verified at intake) against the order's own time and reports to
   * the aggregator. The check has no side effect, so a redelivery just repeats the answer (the
   * aggregator keeps the first).
   */
  @EventPattern(Topics.OrderCreated, { group: ConsumerGroups.Auth })
  async onOrderCreated(@Payload() event: OrderCreatedEvent): Promise<void> {
    const { order } = event;
    const verdict = await this.checks.check({ buyerId: order.buyerId, tokenExpiresAtMs: event.tokenExpiresAtMs, orderCreatedAtMs: order.createdAtMs });
    await this.publisher.publish(Topics.AuthChecked, event.order.orderId, {
      order: event.order,
      ok: verdict.ok,
      reason: verdict.ok ? '' : 'AUTH_FAILED',
      detail: verdict.detail,
      userId: verdict.ok ? verdict.userId : '',
    });
  }
}
