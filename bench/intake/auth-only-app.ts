import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createFastifyAdapter } from '@peak/platform';
import { BearerToken, IdempotencyKey } from '../../apps/order-service/src/http/request-headers.decorators';
import { OrderBodyPipe } from '../../apps/order-service/src/orders/order-body.pipe';
import type { CreateOrderDto, OrderAcceptedDto } from '../../apps/order-service/src/orders/create-order.dto';
import { orderCoreOf, verifyBuyerTokenCached } from '../../apps/order-service/src/orders/buyer-identity';
import { buyerTokenRefused } from '../../apps/order-service/src/http/buyer-token.pipe';

const SECRET = process.env.JWT_SECRET ?? '';

/**
 * POST /orders as order-service runs it (same header decorators, body pipe, token
 * verification and order id), minus the broker: what intake costs before it publishes.
 * It splits the gap between the bare route and the real intake into "HTTP + auth" and
 * "durable publish".
 */
@Controller('orders')
class AuthOnlyController {
  @Post()
  @HttpCode(202)
  async create(@BearerToken() token: string, @IdempotencyKey() key: string, @Body(OrderBodyPipe) body: CreateOrderDto): Promise<OrderAcceptedDto> {
    const verdict = verifyBuyerTokenCached(SECRET, token);
    if (!verdict.ok) throw buyerTokenRefused(verdict.problem, verdict.message);
    return { orderId: orderCoreOf(verdict.buyer, key, body).orderId, status: 'PENDING' };
  }
}

@Module({ controllers: [AuthOnlyController] })
class AuthOnlyModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AuthOnlyModule, createFastifyAdapter(), { logger: false });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.send?.('ready');
}

void main();
