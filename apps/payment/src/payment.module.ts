import { Module } from '@nestjs/common';
import { DatabaseModule } from '@peak/database';
import { PAYMENTS_DATABASE } from './config/payment.database';
import { PaymentsModule } from './payments/payments.module';

/** payment: charges validated orders through simulated gateways (schema `payments`). */
@Module({
  imports: [
    DatabaseModule.forService(PAYMENTS_DATABASE),
    PaymentsModule,
  ],
})
export class PaymentModule {}
