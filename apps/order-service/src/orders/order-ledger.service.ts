import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OrderCore, OrderStatus, PaymentMethod, RejectReason } from '@peak/contracts';
import { BatchCoalescer, ItemResult, OutboxEntry, outboxInsertSql, OutboxRelay, outboxRowsParam, outboxTable } from '@peak/messaging';
import { ORDERS_DATA_SOURCE, orderServiceConfig } from '../config/order-service.config';
import { OrdersMetrics } from '../metrics/orders.metrics';
import { applyFact, Emission, factOrderId, OrderFact, OrderState } from './order-state';
import { insertPendingOrders } from './pending-orders.sql';

/** Largest number of facts applied in one transaction. */
const MAX_FACTS_PER_TRANSACTION = 1_000;
/** Schema of the aggregator's tables, its outbox included. */
export const ORDERS_SCHEMA = 'orders';
/** Injection token of the relay that publishes `orders.outbox`. */
export const ORDERS_OUTBOX = Symbol('ORDERS_OUTBOX');
const OUTBOX = outboxTable(ORDERS_SCHEMA);

/** Raised for a fact about an order the ledger has never seen; retried, then dead-lettered. */
export class UnknownOrderError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} is unknown`);
    this.name = this.constructor.name;
  }
}

interface OrderRow {
  order_id: string;
  buyer_id: string;
  course_id: string;
  payment_method: PaymentMethod;
  status: OrderStatus;
  reason: RejectReason | null;
  detail: string;
  auth_ok: boolean | null;
  course_ok: boolean | null;
  seat_held: boolean;
  amount_cents: number | null;
  validated_at: Date | null;
  paid_at: Date | null;
  confirmed_at: Date | null;
  rejected_at: Date | null;
  deadline_at: Date | null;
}

/**
 * The aggregator's write side: applies facts to orders in batches. One transaction per
 * batch inserts the orders it has not seen (from any fact carrying the order, so arrival
 * order does not matter), locks the touched rows, runs the state machine, and writes the
 * changed rows back and the resulting events into `orders.outbox` with one statement, then
 * commits and wakes the outbox relay, which publishes them. A fact's promise resolves once
 * the transaction committed: its events are durable in the outbox, so the consumer may commit
 * its offset (a publish failing after the commit is retried by the relay, never lost). Not
 * waiting for the publish keeps the ledger's next transaction from queueing behind it.
 */
@Injectable()
export class OrderLedgerService {
  private readonly logger = new Logger(OrderLedgerService.name);
  private readonly batch = new BatchCoalescer<OrderFact, void>((facts) => this.applyMany(facts), MAX_FACTS_PER_TRANSACTION);

  constructor(
    @InjectDataSource(ORDERS_DATA_SOURCE) private readonly db: DataSource,
    @Inject(ORDERS_OUTBOX) private readonly outbox: OutboxRelay,
    private readonly metrics: OrdersMetrics,
    @Inject(orderServiceConfig.KEY) private readonly config: ConfigType<typeof orderServiceConfig>,
  ) {}

  /** Applies one fact; resolves once it and its consequences (in the outbox) are committed. */
  apply(fact: OrderFact): Promise<void> {
    return this.batch.submit(fact);
  }

  private async applyMany(facts: OrderFact[]): Promise<Array<ItemResult<void>>> {
    const now = new Date();
    const { results, emitted } = await this.db.transaction((em) => this.transact(em, facts, now));
    if (emitted) void this.outbox.wake();
    return results;
  }

  private async transact(em: EntityManager, facts: OrderFact[], now: Date) {
    await this.insertNew(em, facts);
    const ids = [...new Set(facts.map(factOrderId))].sort();
    const rows: OrderRow[] = await em.query(
      `SELECT order_id, buyer_id, course_id, payment_method, status, reason, detail, auth_ok, course_ok, seat_held,
              amount_cents, validated_at, paid_at, confirmed_at, rejected_at, deadline_at
         FROM orders.orders WHERE order_id = ANY($1::uuid[]) ORDER BY order_id FOR UPDATE`,
      [ids],
    );
    const states = new Map(rows.map((r) => [r.order_id, toState(r)]));
    const changed = new Set<string>();
    const emits: Emission[] = [];
    const results: Array<ItemResult<void>> = facts.map((fact) => {
      const id = factOrderId(fact);
      const state = states.get(id);
      if (!state) return { ok: false, error: new UnknownOrderError(id) };
      const t = applyFact(state, fact, now);
      if (t.changed) {
        changed.add(id);
        if (t.state.status !== state.status) this.metrics.transition(t.state.status, t.state.reason);
      }
      states.set(id, t.state);
      emits.push(...t.emits);
      return { ok: true, value: undefined };
    });
    await this.writeBack(em, [...changed].map((id) => states.get(id) as OrderState), emits);
    return { results, emitted: emits.length > 0 };
  }

  private async insertNew(em: EntityManager, facts: OrderFact[]): Promise<void> {
    const cores = new Map<string, OrderCore>();
    for (const f of facts) if ('order' in f && !cores.has(f.order.orderId)) cores.set(f.order.orderId, f.order);
    await insertPendingOrders((sql, params) => em.query(sql, params), [...cores.values()], this.config.orderDeadlineMs);
  }

  /** Writes the changed orders and inserts their events into the outbox, in one statement. */
  private async writeBack(em: EntityManager, states: OrderState[], emits: Emission[]): Promise<void> {
    if (states.length === 0 && emits.length === 0) return;
    const entries: OutboxEntry[] = emits.map((e) => ({ topic: e.topic, key: e.key, event: e.event, headers: e.headers }));
    const rows = states.map((s) => ({
      order_id: s.orderId,
      status: s.status,
      reason: s.reason,
      detail: s.detail,
      auth_ok: s.authOk,
      course_ok: s.courseOk,
      seat_held: s.seatHeld,
      amount_cents: s.amountCents,
      validated_at: s.validatedAt,
      paid_at: s.paidAt,
      confirmed_at: s.confirmedAt,
      rejected_at: s.rejectedAt,
    }));
    await em.query(
      `WITH written AS (
         UPDATE orders.orders o SET status = x.status, reason = x.reason, detail = x.detail, auth_ok = x.auth_ok,
              course_ok = x.course_ok, seat_held = x.seat_held, amount_cents = x.amount_cents,
              validated_at = x.validated_at, paid_at = x.paid_at, confirmed_at = x.confirmed_at, rejected_at = x.rejected_at
         FROM jsonb_to_recordset($1::jsonb) AS x(order_id uuid, status text, reason text, detail text, auth_ok boolean,
              course_ok boolean, seat_held boolean, amount_cents integer, validated_at timestamptz, paid_at timestamptz,
              confirmed_at timestamptz, rejected_at timestamptz)
        WHERE o.order_id = x.order_id
       ), outboxed AS (
         ${outboxInsertSql(OUTBOX, '$2')}
       )
       SELECT 1`,
      [JSON.stringify(rows), outboxRowsParam(entries)],
    );
  }
}

function toState(r: OrderRow): OrderState {
  return {
    orderId: r.order_id,
    buyerId: r.buyer_id,
    courseId: r.course_id,
    paymentMethod: r.payment_method,
    status: r.status,
    reason: r.reason,
    detail: r.detail,
    authOk: r.auth_ok,
    courseOk: r.course_ok,
    seatHeld: r.seat_held,
    amountCents: r.amount_cents,
    validatedAt: r.validated_at,
    paidAt: r.paid_at,
    confirmedAt: r.confirmed_at,
    rejectedAt: r.rejected_at,
    deadlineAt: r.deadline_at,
  };
}
