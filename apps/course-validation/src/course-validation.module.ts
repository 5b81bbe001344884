import { Module } from '@nestjs/common';
import { DatabaseModule } from '@peak/database';
import { CATALOG_DATA_SOURCE } from './config/course-validation.constants';
import { Course } from './catalog/course.entity';
import { SeatReservation } from './reservations/seat-reservation.entity';
import { ReservationsModule } from './reservations/reservations.module';
import { CreateCatalog1732170000000 } from './migrations/1732170000000-CreateCatalog';

/** course-validation: course checks and seat inventory (schema `catalog`). Needs MessagingModule and ConfigModule from the host. */
@Module({
  imports: [
    DatabaseModule.forService({
      name: CATALOG_DATA_SOURCE,
      entities: [Course, SeatReservation],
      migrations: [CreateCatalog1732170000000],
    }),
    ReservationsModule,
  ],
})
export class CourseValidationModule {}
