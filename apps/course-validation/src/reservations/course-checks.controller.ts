import { Controller, Logger, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ConsumerGroups, OrderCreatedEvent, OrderStatusEvent, Topics } from '@peak/contracts';
import { EventPublisher, RethrowRpcExceptionFilter } from '@peak/messaging';
import { SeatReservationsService } from './seat-reservations.service';

const GROUP = { group: ConsumerGroups.CourseValidation };

/** course-validation's event handlers (consumer group `course-validation`). */
@Controller()
@UseFilters(RethrowRpcExceptionFilter)
export class CourseChecksController {
  private readonly logger = new Logger(CourseChecksController.name);

  constructor(
    private readonly seats: SeatReservationsService,
    private readonly publisher: EventPublisher,
  ) {}

  /** Checks the course and holds a seat, then reports to the order aggregator. */
  @EventPattern(Topics.OrderCreated, GROUP)
  async onOrderCreated(@Payload() event: OrderCreatedEvent): Promise<void> {
    const result = await this.seats.check(event.order);
    await this.publisher.publish(Topics.CourseChecked, event.order.orderId, { order: event.order, ...result });
  }

  /** PAID → the held seat is sold (then CONFIRMED); REJECTED → the seat goes back on sale. */
  @EventPattern(Topics.OrderStatus, GROUP)
  async onOrderStatus(@Payload() event: OrderStatusEvent): Promise<void> {
    if (event.status === 'PAID') {
      const sold = await this.seats.confirm(event.orderId);
      if (!sold) {
        this.logger.warn(`order ${event.orderId} was paid but holds no seat`);
        return;
      }
      await this.publisher.publish(Topics.SeatConfirmed, event.orderId, { orderId: event.orderId, courseId: event.courseId });
    } else if (event.status === 'REJECTED') {
      await this.seats.release(event.orderId);
    }
  }
}
