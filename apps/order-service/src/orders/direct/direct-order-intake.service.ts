import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { OrderCore, RejectReason } from '@peak/contracts';
import { ORDERS_DATA_SOURCE, orderServiceConfig } from '../../config/order-service.config';
import { OrdersMetrics } from '../../metrics/orders.metrics';
import { orderCoreOf } from '../buyer-identity';
import type { CreateOrderDto } from '../create-order.dto';
import type { OrderIntake, OrderReceipt } from '../order-intake.port';
import { directIntakeConfig } from './direct-intake.config';
import { DirectIntakeOverloadedError, DirectIntakeTimeoutError } from './direct-intake.errors';
import { DirectDownstream, resolveDirectDownstream } from './direct-downstream';
import { DirectOrderLedger, DirectOutcome } from './direct-order-ledger';
import { FifoPool } from './fifo-pool';

/**
 * Direct mode (ORDER_INTAKE_MODE=direct): the world without the message engine. The request
 * itself calls auth, course-validation and payment one after the other (the same services
 * and gateways the consumers use, with the same capacities) and answers with the final
 * status. A request past DIRECT_TIMEOUT_MS is answered 504; its chain stops at the next step
 * (a held seat is released, the order is REJECTED TIMEOUT), except a charge already at the
 * gateway, which completes, as an RPC without cancellation does. Safe for concurrent use.
 */
@Injectable()
export class DirectOrderIntakeService implements OrderIntake, OnApplicationBootstrap {
  private downstream: DirectDownstream | null = null;
  private readonly ledger: DirectOrderLedger;
  private readonly paymentPool: FifoPool;
  private inFlight = 0;

  constructor(
    private readonly moduleRef: ModuleRef,
    @InjectDataSource(ORDERS_DATA_SOURCE) db: DataSource,
    private readonly metrics: OrdersMetrics,
    @Inject(orderServiceConfig.KEY) private readonly config: ConfigType<typeof orderServiceConfig>,
    @Inject(directIntakeConfig.KEY) private readonly direct: ConfigType<typeof directIntakeConfig>,
  ) {
    this.ledger = new DirectOrderLedger(db, config.orderDeadlineMs);
    this.paymentPool = new FifoPool(direct.paymentPool);
  }

  /** Finds the downstream services once the whole application is built (fails fast when absent). */
  onApplicationBootstrap(): void {
    if (this.direct.mode === 'direct') this.downstream = resolveDirectDownstream(this.moduleRef);
  }

  async accept(token: string, idempotencyKey: string, body: CreateOrderDto): Promise<OrderReceipt> {
    if (this.direct.maxInFlight > 0 && this.inFlight >= this.direct.maxInFlight) {
      this.metrics.intakeFailed();
      throw new DirectIntakeOverloadedError(this.inFlight);
    }
    const started = performance.now();
    const deadlineAt = started + this.direct.timeoutMs;
    const core = orderCoreOf(this.config.jwtSecret, token, idempotencyKey, body);
    this.inFlight += 1;
    const chain = this.process(core, token, deadlineAt).finally(() => (this.inFlight -= 1));
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

  private async process(core: OrderCore, token: string, deadlineAt: number): Promise<OrderReceipt> {
    const existing = await this.ledger.open(core);
    if (existing !== null) return { orderId: core.orderId, status: existing };
    const outcome = await this.decide(core, token, deadlineAt);
    await this.ledger.close(outcome);
    return { orderId: core.orderId, status: outcome.status, reason: outcome.reason };
  }

  /** The synchronous call chain. Never throws: a failed call rejects the order (and frees its seat). */
  private async decide(core: OrderCore, token: string, deadlineAt: number): Promise<DirectOutcome> {
    const d = this.requireDownstream();
    const o: DirectOutcome = {
      orderId: core.orderId, status: 'REJECTED', reason: null, detail: '', authOk: null, courseOk: null, seatHeld: false, amountCents: null,
    };
    const reject = async (reason: RejectReason, detail: string): Promise<DirectOutcome> => {
      if (o.seatHeld) {
        await d.seats.release(core.orderId).catch(() => false);
        o.seatHeld = false;
      }
      return { ...o, status: 'REJECTED', reason, detail };
    };
    const late = (): boolean => performance.now() >= deadlineAt;
    try {
      const who = await d.auth.check(core.buyerId, token);
      o.authOk = who.ok;
      if (!who.ok) return reject('AUTH_FAILED', who.detail);
      if (late()) return reject('TIMEOUT', 'timed out before the course check');
      const course = await d.seats.check(core);
      o.courseOk = course.ok;
      o.seatHeld = course.seatHeld;
      if (!course.ok) return reject(course.reason || 'COURSE_INVALID', course.detail);
      o.amountCents = course.priceCents;
      if (!(await this.paymentPool.acquire(deadlineAt))) return reject('TIMEOUT', 'timed out waiting for the payment service');
      let paid;
      try {
        paid = await d.payments.process({
          orderId: core.orderId, buyerId: core.buyerId, courseId: core.courseId, paymentMethod: core.paymentMethod, amountCents: course.priceCents,
        });
      } finally {
        this.paymentPool.release();
      }
      if (!paid.ok) return reject('PAYMENT_FAILED', paid.detail);
      if (!(await d.seats.confirm(core.orderId))) return reject('TIMEOUT', 'paid, but the seat was no longer held');
      return { ...o, status: 'CONFIRMED', reason: null, detail: '' };
    } catch (err) {
      return reject('TIMEOUT', `a synchronous call failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private requireDownstream(): DirectDownstream {
    if (!this.downstream) this.downstream = resolveDirectDownstream(this.moduleRef);
    return this.downstream;
  }
}
