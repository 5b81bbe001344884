import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { CapacityPaths, CapacityReport, ChargeRequest, ChargeResponse, parseChargeRequest, RpcBodyPipe, RpcPaths } from '@peak/contracts/rpc';
import { GatewaysService } from '../gateways/gateways.service';
import { PaymentsService } from './payments.service';

/**
 * payment's internal RPC endpoint (direct mode: the order-service calls it synchronously) and
 * its capacity report. Same service, same gateways and capacities as the event consumer.
 */
@ApiTags('capacity')
@Controller()
export class ChargesRpcController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly gateways: GatewaysService,
  ) {}

  /**
   * Charges the order once (a repeated call answers the first outcome). Takes no deadline: a
   * charge once sent runs to its end, like an RPC without cancellation.
   */
  @Post(RpcPaths.Charges)
  @HttpCode(200)
  @ApiExcludeEndpoint()
  charge(@Body(new RpcBodyPipe(parseChargeRequest)) req: ChargeRequest): Promise<ChargeResponse> {
    return this.payments.process(req);
  }

  /** Each gateway's PAYMENT_<METHOD>_RPS / _CONCURRENCY (0 = unlimited) and the charges in progress and waiting. */
  @Get(CapacityPaths.Payment)
  capacity(): CapacityReport {
    return { service: 'payment', stages: this.gateways.all().map((g) => g.capacity.snapshot()) };
  }
}
