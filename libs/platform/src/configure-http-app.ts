import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe } from './validation.pipe';

/** Where the OpenAPI UI is served (JSON at `/docs-json`). */
export const DOCS_PATH = 'docs';

/** Validation (400 naming each field), OpenAPI docs and shutdown hooks for an HTTP app. */
export function configureHttpApp(app: NestFastifyApplication, title: string): void {
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  const config = new DocumentBuilder()
    .setTitle(title)
    .setDescription('Flash-sale order pipeline: intake, auth, course validation and payment over a Kafka-design broker')
    .setVersion('1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup(DOCS_PATH, app, () => SwaggerModule.createDocument(app, config));
}
