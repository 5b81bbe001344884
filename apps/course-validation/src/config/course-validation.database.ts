import type { ServiceDatabaseOptions } from '@peak/database';
import { CATALOG_DATA_SOURCE } from './course-validation.constants';
import { Course } from '../catalog/course.entity';
import { SeatReservation } from '../reservations/seat-reservation.entity';
import { CreateCatalog1732170000000 } from '../migrations/1732170000000-CreateCatalog';
import { CreateCatalogOutbox1764633600000 } from '../migrations/1764633600000-CreateCatalogOutbox';

/** course-validation's tables (schema `catalog`): used by its module and by `npm run migrations`. */
export const CATALOG_DATABASE: ServiceDatabaseOptions = { name: CATALOG_DATA_SOURCE, entities: [Course, SeatReservation], migrations: [CreateCatalog1732170000000, CreateCatalogOutbox1764633600000] };
