import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ConsumerGroups } from '@peak/contracts';
import { MessagingModule } from '@peak/messaging';
import { runApp, ServiceHealthModule } from '@peak/platform';
import { AuthModule } from './auth.module';

@Module({ imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }), MessagingModule.forRoot(), AuthModule, ServiceHealthModule] })
class StandaloneModule {}

/** auth alone: `nest start auth` (or node -r @swc-node/register apps/auth/src/main.ts). */
async function main(): Promise<void> {
  await runApp(StandaloneModule, {
    title: 'auth',
    defaultGroup: ConsumerGroups.Auth,
    port: Number(process.env.AUTH_PORT ?? 3001),
    host: process.env.HOST ?? '127.0.0.1',
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
