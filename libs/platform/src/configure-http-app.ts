import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Where the OpenAPI UI is served (JSON at `/docs-json`). */
export const DOCS_PATH = 'docs';

/**
 * OpenAPI docs and shutdown hooks for an HTTP app. Body validation is per route
 * (`@UsePipes(createValidationPipe())`, or a dedicated pipe on hot routes): a global
 * ValidationPipe would run class-validator on every request of the intake route.
 */
export function configureHttpApp(app: NestFastifyApplication, title: string): void {
  app.enableShutdownHooks();
  const config = new DocumentBuilder()
    .setTitle(title)
    .setDescription('Flash-sale order pipeline: intake, auth, course validation and payment over a Kafka-design broker')
    .setVersion('1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup(DOCS_PATH, app, () => SwaggerModule.createDocument(app, config));
}
