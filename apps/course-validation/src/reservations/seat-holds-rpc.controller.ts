import { Body, Controller, GatewayTimeoutException, Get, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import {
  CapacityPaths,
  CapacityReport,
  parseSeatHoldRequest,
  parseSeatOrderRequest,
  RpcBodyPipe,
  RpcPaths,
  SeatHoldRequest,
  SeatHoldResponse,
  SeatOrderRequest,
  SeatReleaseResponse,
  SeatSaleResponse,
} from '@peak/contracts/rpc';
import { CapacityWaitCancelledError } from '@peak/platform';
import { SeatReservationsService } from './seat-reservations.service';

/**
 * course-validation's internal RPC endpoints (direct mode: the order-service calls them
 * synchronously) and its capacity report. Same service, same capacity, same idempotent seat
 * SQL as the event consumers.
 */
@ApiTags('capacity')
@Controller()
export class SeatHoldsRpcController {
  constructor(private readonly seats: SeatReservationsService) {}

  /** Checks the course and holds a seat. 504 (nothing checked, no seat held) when the caller's deadline passed before its turn. */
  @Post(RpcPaths.SeatHolds)
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async hold(@Body(new RpcBodyPipe(parseSeatHoldRequest)) req: SeatHoldRequest): Promise<SeatHoldResponse> {
    const deadline = req.deadlineAtMs;
    try {
      return await this.seats.check(req.order, deadline === undefined ? undefined : { cancelled: () => Date.now() >= deadline });
    } catch (err) {
      if (err instanceof CapacityWaitCancelledError) throw new GatewayTimeoutException(err.message);
      throw err;
    }
  }

  /** Gives the order's held seat back (idempotent). */
  @Post(RpcPaths.SeatReleases)
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async release(@Body(new RpcBodyPipe(parseSeatOrderRequest)) req: SeatOrderRequest): Promise<SeatReleaseResponse> {
    return { released: await this.seats.release(req.orderId) };
  }

  /** Sells the order's held seat (idempotent). */
  @Post(RpcPaths.SeatSales)
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async confirm(@Body(new RpcBodyPipe(parseSeatOrderRequest)) req: SeatOrderRequest): Promise<SeatSaleResponse> {
    return { sold: await this.seats.confirm(req.orderId) };
  }

  /** COURSE_CHECK_RPS / COURSE_CHECK_CONCURRENCY as configured (0 = unlimited) and the checks in progress and waiting. */
  @Get(CapacityPaths.CourseValidation)
  capacity(): CapacityReport {
    return { service: 'course-validation', stages: [this.seats.capacity.snapshot()] };
  }
}
