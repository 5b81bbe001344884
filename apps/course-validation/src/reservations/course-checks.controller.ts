import { Controller, Logger, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ConsumerGroups, OrderCreatedEvent, OrderStatusEvent, Topics } from '@peak/contracts';
import { RethrowRpcExceptionFilter } from '@peak/messaging';
import { SeatReservationsService } from './seat-reservations.service';

const GROUP = { group: ConsumerGroups.CourseValidation };
/** Seat confirmations in a group of their own, so they never wait behind rate-limited checks. */
const SEATS_GROUP = { group: ConsumerGroups.CourseValidationSeats };

/**
 * course-validation's event handlers (consumer groups `course-validation` for the checks and
 * `course-validation-seats` for the seat confirmations). Their events go
 * through `catalog.outbox`, written by the statement that holds or sells the seat; a handler
 * resolves once that statement committed.
 */
@Controller()
@UseFilters(RethrowRpcExceptionFilter)
export class CourseChecksController {
  private readonly logger = new Logger(CourseChecksController.name);

  constructor(private readonly seats: SeatReservationsService) {}

  /** Checks the course and holds a seat; CourseChecked to the order aggregator goes with it through the outbox. */
  @EventPattern(Topics.OrderCreated, GROUP)
  async onOrderCreated(@Payload() event: OrderCreatedEvent): Promise<void> {
    await this.seats.checkAndReport(event.order);
  }

  /** PAID → the held seat is sold (then CONFIRMED); REJECTED → the seat goes back on sale. */
  @EventPattern(Topics.OrderStatus, SEATS_GROUP)
  async onOrderStatus(@Payload() event: OrderStatusEvent): Promise<void> {
    if (event.status === 'PAID') {
      // SeatConfirmed goes through the outbox, committed with the sale.
      const sold = await this.seats.confirmAndReport(event.orderId);
      if (!sold) this.logger.warn(`order ${event.orderId} was paid but holds no seat`);
    } else if (event.status === 'REJECTED') {
      await this.seats.release(event.orderId);
    }
  }
}
