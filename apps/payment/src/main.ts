import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ConsumerGroups } from '@peak/contracts';
import { MessagingModule } from '@peak/messaging';
import { runApp, ServiceHealthModule } from '@peak/platform';
import { PaymentModule } from './payment.module';

@Module({ imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }), MessagingModule.forRoot(), PaymentModule, ServiceHealthModule] })
class StandaloneModule {}

/** payment alone: `nest start payment` (or node -r @swc-node/register apps/payment/src/main.ts). */
async function main(): Promise<void> {
  await runApp(StandaloneModule, {
    title: 'payment',
    defaultGroup: ConsumerGroups.Payment,
    port: Number(process.env.PAYMENT_PORT ?? 3003),
    host: process.env.HOST ?? '127.0.0.1',
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
