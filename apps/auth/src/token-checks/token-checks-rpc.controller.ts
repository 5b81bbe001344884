import { Body, Controller, GatewayTimeoutException, Get, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { CapacityPaths, CapacityReport, parseTokenCheckRequest, RpcBodyPipe, RpcPaths, TokenCheckRequest, TokenCheckResponse } from '@peak/contracts/rpc';
import { CapacityWaitCancelledError } from '@peak/platform';
import { TokenChecksService } from './token-checks.service';

/**
 * auth's internal RPC endpoint (direct mode: the order-service calls it synchronously) and its
 * capacity report. Same service, same capacity as the event consumer.
 */
@ApiTags('capacity')
@Controller()
export class TokenChecksRpcController {
  constructor(private readonly checks: TokenChecksService) {}

  /** Checks the buyer the intake verified, at the order's time. 504 (nothing checked) when the caller's deadline passed before its turn. */
  @Post(RpcPaths.TokenChecks)
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async check(@Body(new RpcBodyPipe(parseTokenCheckRequest)) req: TokenCheckRequest): Promise<TokenCheckResponse> {
    const deadline = req.deadlineAtMs;
    try {
      const verdict = await this.checks.check(
        { buyerId: req.buyerId, tokenExpiresAtMs: req.tokenExpiresAtMs, orderCreatedAtMs: req.orderCreatedAtMs },
        deadline === undefined ? undefined : { cancelled: () => Date.now() >= deadline },
      );
      return verdict.ok ? { ok: true, userId: verdict.userId, detail: '' } : { ok: false, userId: '', detail: verdict.detail };
    } catch (err) {
      if (err instanceof CapacityWaitCancelledError) throw new GatewayTimeoutException(err.message);
      throw err;
    }
  }

  /** AUTH_CHECK_RPS / AUTH_CHECK_CONCURRENCY as configured (0 = unlimited) and the checks in progress and waiting. */
  @Get(CapacityPaths.Auth)
  capacity(): CapacityReport {
    return { service: 'auth', stages: [this.checks.capacity.snapshot()] };
  }
}
