import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ORDERS_DATA_SOURCE, orderServiceConfig } from '../config/order-service.config';
import { Order } from './order.entity';
import { OrdersController } from './orders.controller';
import { OrderIntakeService } from './order-intake.service';
import { OrdersQueryService } from './orders-query.service';
import { OrderLedgerService } from './order-ledger.service';
import { OrderEventsController } from './order-events.controller';
import { OrderDeadlineSweeper } from './order-deadline.sweeper';
import { OrderBodyPipe } from './order-body.pipe';

@Module({
  imports: [ConfigModule.forFeature(orderServiceConfig), TypeOrmModule.forFeature([Order], ORDERS_DATA_SOURCE)],
  controllers: [OrdersController, OrderEventsController],
  providers: [OrderBodyPipe, OrderIntakeService, OrdersQueryService, OrderLedgerService, OrderDeadlineSweeper],
  exports: [OrderLedgerService, OrderDeadlineSweeper],
})
export class OrdersModule {}
