import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { OrderCore } from '@peak/contracts';
import { ORDERS_DATA_SOURCE, orderServiceConfig } from '../../config/order-service.config';
import { OrdersMetrics } from '../../metrics/orders.metrics';
import { orderCoreOf, VerifiedBuyer } from '../buyer-identity';
import type { CreateOrderDto } from '../create-order.dto';
import type { OrderIntake, OrderReceipt } from '../order-intake.port';
import { ChainDeadline, DirectCallChain } from './direct-call-chain';
import { HttpDirectDownstream } from './direct-downstream';
import { directIntakeConfig, DOWNSTREAM_URL_ENV } from './direct-intake.config';
import {
  DirectDownstreamUnavailableError,
  DirectIntakeOverloadedError,
  DirectIntakeTimeoutError,
  DownstreamCallError,
  DownstreamService,
} from './direct-intake.errors';
import { DirectOrderLedger } from './direct-order-ledger';
import { ownServerUrl } from './own-server-url';
import { RpcHttpClient } from './rpc-http.client';

const DOWNSTREAMS: readonly DownstreamService[] = ['auth', 'course-validation', 'payment'];

/**
 * Direct mode (ORDER_INTAKE_MODE=direct): the world without the message engine. The request
 * itself calls auth, course-validation and payment one after the other, as RPCs over HTTP to
 * their internal endpoints (the same services, with the same capacities, as the consumers
 * use; base URLs AUTH_URL, COURSE_VALIDATION_URL, PAYMENT_URL, else this service's own HTTP
 * server), and answers with the final status. A request past DIRECT_TIMEOUT_MS is answered
 * 504 (see DirectCallChain for how its chain stops); one whose downstream gives no answer of
 * its contract is answered 503 naming it. Safe for concurrent use.
 */
@Injectable()
export class DirectOrderIntakeService implements OrderIntake, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DirectIntake');
  private readonly ledger: DirectOrderLedger;
  private readonly client: RpcHttpClient;
  private readonly chain: DirectCallChain;
  private inFlight = 0;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectDataSource(ORDERS_DATA_SOURCE) db: DataSource,
    private readonly metrics: OrdersMetrics,
    @Inject(orderServiceConfig.KEY) config: ConfigType<typeof orderServiceConfig>,
    @Inject(directIntakeConfig.KEY) private readonly direct: ConfigType<typeof directIntakeConfig>,
  ) {
    this.ledger = new DirectOrderLedger(db, config.orderDeadlineMs);
    this.client = new RpcHttpClient(direct.rpcConnections);
    this.chain = new DirectCallChain(new HttpDirectDownstream(this.client, (s) => this.baseUrl(s)), direct.paymentPool);
  }

  onApplicationBootstrap(): void {
    if (this.direct.mode !== 'direct') return;
    const where = DOWNSTREAMS.map((s) => `${s} at ${this.direct.urls[s] ?? `this server (${DOWNSTREAM_URL_ENV[s]} unset)`}`);
    this.logger.log(`direct mode: POST /orders calls ${where.join(', ')}`);
  }

  onApplicationShutdown(): void {
    this.client.close();
  }

  async accept(buyer: VerifiedBuyer, idempotencyKey: string, body: CreateOrderDto): Promise<OrderReceipt> {
    if (this.direct.maxInFlight > 0 && this.inFlight >= this.direct.maxInFlight) {
      this.metrics.intakeFailed();
      throw new DirectIntakeOverloadedError(this.inFlight);
    }
    const started = performance.now();
    const deadline: ChainDeadline = { atPerfMs: started + this.direct.timeoutMs, atEpochMs: Date.now() + this.direct.timeoutMs };
    const core = orderCoreOf(buyer, idempotencyKey, body);
    this.inFlight += 1;
    const chain = this.process(core, buyer.tokenExpiresAtMs, deadline).finally(() => (this.inFlight -= 1));
    chain.catch(() => undefined); // observed below, or after a timeout by nobody
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DirectIntakeTimeoutError(core.orderId, this.direct.timeoutMs)), this.direct.timeoutMs);
    });
    try {
      const receipt = await Promise.race([chain, timeout]);
      this.metrics.intakeAccepted((performance.now() - started) / 1000);
      return receipt;
    } catch (err) {
      this.metrics.intakeFailed();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async process(core: OrderCore, tokenExpiresAtMs: number, deadline: ChainDeadline): Promise<OrderReceipt> {
    const existing = await this.ledger.open(core);
    if (existing !== null) return { orderId: core.orderId, status: existing };
    const { outcome, timedOut, error } = await this.chain.run(core, tokenExpiresAtMs, deadline);
    await this.ledger.close(outcome);
    if (timedOut) throw new DirectIntakeTimeoutError(core.orderId, this.direct.timeoutMs);
    if (error instanceof DownstreamCallError) throw new DirectDownstreamUnavailableError(core.orderId, error);
    if (error) throw error;
    return { orderId: core.orderId, status: outcome.status, reason: outcome.reason };
  }

  /** The configured base URL of `service`, else this process's own HTTP server. */
  private baseUrl(service: DownstreamService): string {
    const configured = this.direct.urls[service];
    if (configured) return configured;
    const own = ownServerUrl(this.adapterHost.httpAdapter?.getHttpServer());
    if (own === null) {
      throw new DownstreamCallError(service, `(${DOWNSTREAM_URL_ENV[service]} unset)`, 'unreachable', `${DOWNSTREAM_URL_ENV[service]} is unset and this service's HTTP server does not listen (yet)`);
    }
    return own;
  }
}
