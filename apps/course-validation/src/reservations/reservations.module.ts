import { Module } from '@nestjs/common';
import { CourseChecksController } from './course-checks.controller';
import { SeatReservationsService } from './seat-reservations.service';

@Module({
  controllers: [CourseChecksController],
  providers: [SeatReservationsService],
  exports: [SeatReservationsService],
})
export class ReservationsModule {}
