import type { ServiceDatabaseOptions } from '@peak/database';
import { AUTH_DATABASE } from '../../apps/auth/src/config/auth.database';
import { CATALOG_DATABASE } from '../../apps/course-validation/src/config/course-validation.database';
import { ORDERS_DATABASE } from '../../apps/order-service/src/config/order-service.database';
import { PAYMENTS_DATABASE } from '../../apps/payment/src/config/payment.database';

/** Every service's tables, by the name the CLI accepts (the DataSource name). */
export const SERVICE_DATABASES: readonly ServiceDatabaseOptions[] = [CATALOG_DATABASE, AUTH_DATABASE, PAYMENTS_DATABASE, ORDERS_DATABASE];
