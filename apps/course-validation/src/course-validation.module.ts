import { Module } from '@nestjs/common';
import { DatabaseModule } from '@peak/database';
import { CATALOG_DATABASE } from './config/course-validation.database';
import { ReservationsModule } from './reservations/reservations.module';

/** course-validation: course checks and seat inventory (schema `catalog`). Needs MessagingModule and ConfigModule from the host. */
@Module({
  imports: [
    DatabaseModule.forService(CATALOG_DATABASE),
    ReservationsModule,
  ],
})
export class CourseValidationModule {}
