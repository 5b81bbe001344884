import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { OrdersMetrics } from './orders.metrics';

@Global()
@Module({ controllers: [MetricsController], providers: [OrdersMetrics], exports: [OrdersMetrics] })
export class MetricsModule {}
