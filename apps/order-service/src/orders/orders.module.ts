import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ORDERS_DATA_SOURCE, orderServiceConfig } from '../config/order-service.config';
import { Order } from './order.entity';
import { OrdersController } from './orders.controller';
import { OrderIntakeService } from './order-intake.service';
import { OrdersQueryService } from './orders-query.service';
import { provideOutboxRelay } from '@peak/messaging';
import { OrderLedgerService, ORDERS_OUTBOX, ORDERS_SCHEMA } from './order-ledger.service';
import { OrderEventsController } from './order-events.controller';
import { OrderDeadlineSweeper } from './order-deadline.sweeper';
import { OrderBodyPipe } from './order-body.pipe';
import { ORDER_INTAKE, OrderIntake } from './order-intake.port';
import { directIntakeConfig, DirectIntakeConfig } from './direct/direct-intake.config';
import { DirectOrderIntakeService } from './direct/direct-order-intake.service';

@Module({
  imports: [ConfigModule.forFeature(orderServiceConfig), ConfigModule.forFeature(directIntakeConfig), TypeOrmModule.forFeature([Order], ORDERS_DATA_SOURCE)],
  controllers: [OrdersController, OrderEventsController],
  providers: [
    OrderBodyPipe,
    OrderIntakeService,
    DirectOrderIntakeService,
    {
      // ORDER_INTAKE_MODE picks the intake path: the broker (default) or the direct call chain.
      provide: ORDER_INTAKE,
      inject: [directIntakeConfig.KEY, OrderIntakeService, DirectOrderIntakeService],
      useFactory: (c: DirectIntakeConfig, broker: OrderIntakeService, direct: DirectOrderIntakeService): OrderIntake =>
        c.mode === 'direct' ? direct : broker,
    },
    OrdersQueryService,
    OrderLedgerService,
    OrderDeadlineSweeper,
    // Publishes orders.outbox (the aggregator's and the sweeper's events), in every process of order-service.
    provideOutboxRelay(ORDERS_OUTBOX, ORDERS_DATA_SOURCE, ORDERS_SCHEMA),
  ],
  exports: [OrderLedgerService, OrderDeadlineSweeper, ORDERS_OUTBOX],
})
export class OrdersModule {}
