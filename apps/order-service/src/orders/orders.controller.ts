import { Body, Controller, GatewayTimeoutException, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, ServiceUnavailableException } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiPayloadTooLargeResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { BuyerTokenPipe } from '../http/buyer-token.pipe';
import { BearerToken, IdempotencyKey } from '../http/request-headers.decorators';
import type { VerifiedBuyer } from './buyer-identity';
import { CreateOrderDto, OrderAcceptedDto } from './create-order.dto';
import { ORDER_INTAKE, OrderIntake, OrderReceipt } from './order-intake.port';
import { DirectDownstreamUnavailableError, DirectIntakeTimeoutError } from './direct/direct-intake.errors';
import { OrderBodyPipe } from './order-body.pipe';
import { OrderViewDto, OrdersQueryService } from './orders-query.service';

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(
    @Inject(ORDER_INTAKE) private readonly intake: OrderIntake,
    private readonly query: OrdersQueryService,
  ) {}

  /**
   * Accepts an order: answered once the OrderCreated event is durable at the broker. The
   * Bearer token is verified first (valid and unexpired now, else 401 and nothing published).
   */
  @Post()
  @HttpCode(202)
  @ApiBearerAuth()
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'Same key from the same buyer → same order' })
  @ApiBody({ type: CreateOrderDto })
  @ApiAcceptedResponse({ type: OrderAcceptedDto })
  @ApiBadRequestResponse({ description: 'invalid body or headers; `fields` names each bad field' })
  @ApiUnauthorizedResponse({ description: 'no Bearer token, or one that is malformed, not signed with the shared secret, expired, without `exp`, or whose `sub` is empty or longer than 128 characters; `problem` names which' })
  @ApiPayloadTooLargeResponse({ description: 'body over the limit' })
  async create(
    @BearerToken(BuyerTokenPipe) buyer: VerifiedBuyer,
    @IdempotencyKey() idempotencyKey: string,
    @Body(OrderBodyPipe) body: CreateOrderDto,
  ): Promise<OrderReceipt> {
    try {
      return await this.intake.accept(buyer, idempotencyKey, body);
    } catch (err) {
      if (err instanceof DirectIntakeTimeoutError) throw new GatewayTimeoutException(err.message);
      if (err instanceof DirectDownstreamUnavailableError) {
        throw new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: err.message, orderId: err.orderId, service: err.downstream.service });
      }
      throw new ServiceUnavailableException('the order could not be recorded; retry with the same Idempotency-Key');
    }
  }

  /** The order's status, reason when rejected, and when each step happened. 404 until the aggregator has stored it. */
  @Get(':orderId')
  @ApiOkResponse({ type: OrderViewDto })
  @ApiNotFoundResponse()
  async get(@Param('orderId', new ParseUUIDPipe()) orderId: string): Promise<OrderViewDto> {
    const order = await this.query.find(orderId);
    if (!order) throw new NotFoundException(`order ${orderId} not found`);
    return order;
  }
}
