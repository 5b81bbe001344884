import type { ServiceDatabaseOptions } from '@peak/database';
import { PAYMENTS_DATA_SOURCE } from './payment.config';
import { Payment } from '../payments/payment.entity';
import { CreatePayments1732170002000 } from '../migrations/1732170002000-CreatePayments';
import { PaymentsOutboxAndReason1764633600000 } from '../migrations/1764633600000-PaymentsOutboxAndReason';

/** payment's tables (schema `payments`): used by its module and by `npm run migrations`. */
export const PAYMENTS_DATABASE: ServiceDatabaseOptions = { name: PAYMENTS_DATA_SOURCE, entities: [Payment], migrations: [CreatePayments1732170002000, PaymentsOutboxAndReason1764633600000] };
