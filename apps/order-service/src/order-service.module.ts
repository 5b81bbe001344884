import { Module } from '@nestjs/common';
import { DatabaseModule } from '@peak/database';
import { ORDERS_DATA_SOURCE } from './config/order-service.config';
import { Order } from './orders/order.entity';
import { OrdersModule } from './orders/orders.module';
import { CoursesModule } from './courses/courses.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { CreateOrders1732170003000 } from './migrations/1732170003000-CreateOrders';

/** order-service: HTTP intake and reads, and the order aggregator (schema `orders`). */
@Module({
  imports: [
    DatabaseModule.forService({ name: ORDERS_DATA_SOURCE, entities: [Order], migrations: [CreateOrders1732170003000] }),
    MetricsModule,
    OrdersModule,
    CoursesModule,
    HealthModule,
  ],
})
export class OrderServiceModule {}
