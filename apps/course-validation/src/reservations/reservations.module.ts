import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { courseValidationConfig } from '../config/course-validation.config';
import { CourseChecksController } from './course-checks.controller';
import { SeatHoldsRpcController } from './seat-holds-rpc.controller';
import { provideOutboxRelay } from '@peak/messaging';
import { CATALOG_DATA_SOURCE } from '../config/course-validation.constants';
import { CATALOG_OUTBOX, CATALOG_SCHEMA, SeatReservationsService } from './seat-reservations.service';

@Module({
  imports: [ConfigModule.forFeature(courseValidationConfig)],
  controllers: [CourseChecksController, SeatHoldsRpcController],
  // The relay publishes catalog.outbox (CourseChecked, SeatConfirmed).
  providers: [SeatReservationsService, provideOutboxRelay(CATALOG_OUTBOX, CATALOG_DATA_SOURCE, CATALOG_SCHEMA)],
  exports: [SeatReservationsService],
})
export class ReservationsModule {}
