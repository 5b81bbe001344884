import { Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

/** The baseline: a Nest + Fastify POST route that does nothing but answer 202. */
@Controller('orders')
class BareController {
  @Post()
  @HttpCode(202)
  create(): { orderId: string; status: 'PENDING' } {
    return { orderId: '00000000-0000-8000-8000-000000000000', status: 'PENDING' };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.send?.('ready');
}

void main();
