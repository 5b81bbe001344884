import { Module } from '@nestjs/common';
import { DatabaseModule } from '@peak/database';
import { PAYMENTS_DATA_SOURCE } from './config/payment.config';
import { Payment } from './payments/payment.entity';
import { PaymentsModule } from './payments/payments.module';
import { CreatePayments1732170002000 } from './migrations/1732170002000-CreatePayments';

/** payment: charges validated orders through simulated gateways (schema `payments`). */
@Module({
  imports: [
    DatabaseModule.forService({ name: PAYMENTS_DATA_SOURCE, entities: [Payment], migrations: [CreatePayments1732170002000] }),
    PaymentsModule,
  ],
})
export class PaymentModule {}
