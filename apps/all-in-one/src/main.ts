import { ConsumerGroups } from '@peak/contracts';
import { runApp } from '@peak/platform';
import { PlatformModule } from './platform.module';

/** `npm start`: every service in one process on the embedded broker and embedded PostgreSQL. */
async function main(): Promise<void> {
  await runApp(PlatformModule.forRoot(), {
    title: 'peak orders (all services)',
    defaultGroup: ConsumerGroups.OrderService,
    port: Number(process.env.PORT ?? 3000),
    host: process.env.HOST ?? '127.0.0.1',
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
