import {
  ChargeRequest,
  ChargeResponse,
  parseChargeResponse,
  parseSeatHoldResponse,
  parseSeatReleaseResponse,
  parseSeatSaleResponse,
  parseTokenCheckResponse,
  RpcPaths,
  SeatHoldRequest,
  SeatHoldResponse,
  TokenCheckRequest,
  TokenCheckResponse,
} from '@peak/contracts/rpc';
import type { DownstreamService } from './direct-intake.errors';
import type { RpcHttpClient } from './rpc-http.client';

/** Longest wait for a seat release or sale (they run after the deadline too). */
export const SEAT_SETTLE_TIMEOUT_MS = 10_000;
/** Longest wait for a charge: sent charges complete (no cancellation), but a hung payment must not hold a pool slot forever. */
export const CHARGE_TIMEOUT_MS = 30_000;

/**
 * The calls of direct mode, one per step of the chain. Implementations reject with
 * DownstreamCallError when a service gives no answer of its contract.
 */
export interface DirectDownstream {
  /** auth: is the verified buyer a known, not-banned user whose token held at the order's time? */
  checkToken(req: TokenCheckRequest, timeoutMs: number): Promise<TokenCheckResponse>;
  /** course-validation: check the course and hold a seat. */
  holdSeat(req: SeatHoldRequest, timeoutMs: number): Promise<SeatHoldResponse>;
  /** course-validation: give the seat back; false when none was held. */
  releaseSeat(orderId: string): Promise<boolean>;
  /** course-validation: sell the held seat; false when none is held. */
  confirmSeat(orderId: string): Promise<boolean>;
  /** payment: charge once. */
  charge(req: ChargeRequest): Promise<ChargeResponse>;
}

/** Base URL of each downstream service (resolved per call: the own server's address is known only once it listens). */
export type DownstreamUrls = (service: DownstreamService) => string;

/** DirectDownstream over HTTP: the services' internal RPC endpoints (`RpcPaths`). */
export class HttpDirectDownstream implements DirectDownstream {
  constructor(
    private readonly client: RpcHttpClient,
    private readonly urls: DownstreamUrls,
  ) {}

  async checkToken(req: TokenCheckRequest, timeoutMs: number): Promise<TokenCheckResponse> {
    return this.client.post(this.target('auth'), RpcPaths.TokenChecks, req, parseTokenCheckResponse, timeoutMs);
  }

  async holdSeat(req: SeatHoldRequest, timeoutMs: number): Promise<SeatHoldResponse> {
    return this.client.post(this.target('course-validation'), RpcPaths.SeatHolds, req, parseSeatHoldResponse, timeoutMs);
  }

  async releaseSeat(orderId: string): Promise<boolean> {
    const res = await this.client.post(this.target('course-validation'), RpcPaths.SeatReleases, { orderId }, parseSeatReleaseResponse, SEAT_SETTLE_TIMEOUT_MS);
    return res.released;
  }

  async confirmSeat(orderId: string): Promise<boolean> {
    const res = await this.client.post(this.target('course-validation'), RpcPaths.SeatSales, { orderId }, parseSeatSaleResponse, SEAT_SETTLE_TIMEOUT_MS);
    return res.sold;
  }

  async charge(req: ChargeRequest): Promise<ChargeResponse> {
    return this.client.post(this.target('payment'), RpcPaths.Charges, req, parseChargeResponse, CHARGE_TIMEOUT_MS);
  }

  private target(service: DownstreamService) {
    return { service, baseUrl: this.urls(service) };
  }
}
