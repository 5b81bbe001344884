import { DynamicModule, Logger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPeakKafkaServer, PeakKafkaServer } from '@peak/messaging';
import { configureHttpApp } from './configure-http-app';
import { createFastifyAdapter } from './fastify-adapter';

export interface RunAppOptions {
  title: string;
  /** Consumer group of handlers that do not name one. */
  defaultGroup: string;
  port: number;
  host: string;
  bodyLimitBytes?: number;
}

export interface RunningApp {
  app: NestFastifyApplication;
  server: PeakKafkaServer;
  url: string;
}

/**
 * Boots one Nest application: HTTP on Fastify plus the event transport, in that order:
 * init (migrations, topics) → consumers → HTTP listen. SIGINT/SIGTERM close it gracefully
 * (consumers stop, DataSources close, the embedded PostgreSQL and broker stop).
 */
export async function runApp(module: Type<unknown> | DynamicModule, options: RunAppOptions): Promise<RunningApp> {
  const logger = new Logger(options.title);
  const app = await NestFactory.create<NestFastifyApplication>(module, createFastifyAdapter(options.bodyLimitBytes), {
    bufferLogs: false,
  });
  configureHttpApp(app, options.title);
  const server = createPeakKafkaServer(app, options.defaultGroup);
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  await app.init();
  await app.startAllMicroservices();
  await app.listen(options.port, options.host);
  const url = await app.getUrl();
  logger.log(`listening on ${url} (docs at ${url}/docs)`);
  return { app, server, url };
}
