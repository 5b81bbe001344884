import type { ServiceDatabaseOptions } from '@peak/database';
import { ORDERS_DATA_SOURCE } from './order-service.config';
import { Order } from '../orders/order.entity';
import { CreateOrders1732170003000 } from '../migrations/1732170003000-CreateOrders';
import { CreateOrdersOutbox1764633600000 } from '../migrations/1764633600000-CreateOrdersOutbox';

/** order-service's tables (schema `orders`): used by its module and by `npm run migrations`. */
export const ORDERS_DATABASE: ServiceDatabaseOptions = { name: ORDERS_DATA_SOURCE, entities: [Order], migrations: [CreateOrders1732170003000, CreateOrdersOutbox1764633600000] };
