import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ConsumerGroups, PaymentRequestedEvent, Topics } from '@peak/contracts';
import { EventPublisher, RethrowRpcExceptionFilter } from '@peak/messaging';
import { PaymentsService } from './payments.service';

/** payment's event handler (consumer group `payment`). */
@Controller()
@UseFilters(RethrowRpcExceptionFilter)
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly publisher: EventPublisher,
  ) {}

  /** Charges a validated order through its method's gateway and reports the outcome. */
  @EventPattern(Topics.PaymentRequested, { group: ConsumerGroups.Payment })
  async onPaymentRequested(@Payload() request: PaymentRequestedEvent): Promise<void> {
    const completed = await this.payments.process(request);
    await this.publisher.publish(Topics.PaymentCompleted, request.orderId, completed);
  }
}
