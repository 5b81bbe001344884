import { Module } from '@nestjs/common';
import { DatabaseModule } from '@peak/database';
import { ORDERS_DATABASE } from './config/order-service.database';
import { OrdersModule } from './orders/orders.module';
import { CoursesModule } from './courses/courses.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';

/** order-service: HTTP intake and reads, and the order aggregator (schema `orders`). */
@Module({
  imports: [
    DatabaseModule.forService(ORDERS_DATABASE),
    MetricsModule,
    OrdersModule,
    CoursesModule,
    HealthModule,
  ],
})
export class OrderServiceModule {}
