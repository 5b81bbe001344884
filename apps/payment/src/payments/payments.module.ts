import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { paymentConfig } from '../config/payment.config';
import { GatewaysService } from '../gateways/gateways.service';
import { ChargesRpcController } from './charges-rpc.controller';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';

@Module({
  imports: [ConfigModule.forFeature(paymentConfig)],
  controllers: [PaymentsController, ChargesRpcController],
  providers: [PaymentsService, GatewaysService],
  exports: [GatewaysService],
})
export class PaymentsModule {}
