import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ConsumerGroups } from '@peak/contracts';
import { MessagingModule } from '@peak/messaging';
import { runApp } from '@peak/platform';
import { OrderServiceModule } from './order-service.module';

@Module({ imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }), MessagingModule.forRoot(), OrderServiceModule] })
class StandaloneModule {}

/** order-service alone: `nest start order-service` (or node -r @swc-node/register apps/order-service/src/main.ts). */
async function main(): Promise<void> {
  await runApp(StandaloneModule, {
    title: 'order-service',
    defaultGroup: ConsumerGroups.OrderService,
    port: Number(process.env.PORT ?? 3000),
    host: process.env.HOST ?? '127.0.0.1',
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
