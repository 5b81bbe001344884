import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ConsumerGroups } from '@peak/contracts';
import { MessagingModule } from '@peak/messaging';
import { runApp, ServiceHealthModule } from '@peak/platform';
import { CourseValidationModule } from './course-validation.module';

@Module({ imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }), MessagingModule.forRoot(), CourseValidationModule, ServiceHealthModule] })
class StandaloneModule {}

/** course-validation alone: `nest start course-validation` (or node -r @swc-node/register apps/course-validation/src/main.ts). */
async function main(): Promise<void> {
  await runApp(StandaloneModule, {
    title: 'course-validation',
    defaultGroup: ConsumerGroups.CourseValidation,
    port: Number(process.env.COURSE_VALIDATION_PORT ?? 3002),
    host: process.env.HOST ?? '127.0.0.1',
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
