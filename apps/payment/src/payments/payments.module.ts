import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { paymentConfig } from '../config/payment.config';
import { GatewaysService } from '../gateways/gateways.service';
import { ChargesRpcController } from './charges-rpc.controller';
import { PaymentsController } from './payments.controller';
import { provideOutboxRelay } from '@peak/messaging';
import { PAYMENTS_DATA_SOURCE } from '../config/payment.config';
import { PAYMENTS_OUTBOX, PAYMENTS_SCHEMA, PaymentsService } from './payments.service';

@Module({
  imports: [ConfigModule.forFeature(paymentConfig)],
  controllers: [PaymentsController, ChargesRpcController],
  // The relay publishes payments.outbox (PaymentCompleted).
  providers: [PaymentsService, GatewaysService, provideOutboxRelay(PAYMENTS_OUTBOX, PAYMENTS_DATA_SOURCE, PAYMENTS_SCHEMA)],
  exports: [GatewaysService],
})
export class PaymentsModule {}
