import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { courseValidationConfig } from '../config/course-validation.config';
import { CourseChecksController } from './course-checks.controller';
import { SeatHoldsRpcController } from './seat-holds-rpc.controller';
import { SeatReservationsService } from './seat-reservations.service';

@Module({
  imports: [ConfigModule.forFeature(courseValidationConfig)],
  controllers: [CourseChecksController, SeatHoldsRpcController],
  providers: [SeatReservationsService],
  exports: [SeatReservationsService],
})
export class ReservationsModule {}
