import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { ConsumerGroups, PaymentRequestedEvent, Topics } from '@peak/contracts';
import { readDeadlineHeader, RethrowRpcExceptionFilter } from '@peak/messaging';
import { PaymentsService } from './payments.service';

/** payment's event handler (consumer group `payment`). */
@Controller()
@UseFilters(RethrowRpcExceptionFilter)
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  /**
   * Charges a validated order through its method's gateway, or gives up when the order's
   * deadline (the `deadline-at-ms` header) passed before payment started the charge.
   * PaymentCompleted goes through `payments.outbox`, committed with the outcome.
   */
  @EventPattern(Topics.PaymentRequested, { group: ConsumerGroups.Payment })
  async onPaymentRequested(@Payload() request: PaymentRequestedEvent, @Ctx() context: unknown): Promise<void> {
    const headers = context instanceof KafkaContext ? (context.getMessage().headers as Record<string, unknown> | undefined) : undefined;
    const deadlineAtMs = readDeadlineHeader(headers);
    await this.payments.process(request, { report: true, deadlineAtMs });
  }
}
