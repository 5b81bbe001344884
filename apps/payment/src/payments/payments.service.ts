import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PaymentCompletedEvent, PaymentRequestedEvent, RejectReason, Topics } from '@peak/contracts';
import { BatchCoalescer, ItemResult, outboxInsertSql, OutboxRelay, outboxTable } from '@peak/messaging';
import { PAYMENTS_DATA_SOURCE } from '../config/payment.config';
import { GatewaysService } from '../gateways/gateways.service';
import type { PaymentStatus } from './payment.entity';

/** payment's schema (its outbox included). */
export const PAYMENTS_SCHEMA = 'payments';
/** Injection token of the relay that publishes `payments.outbox`. */
export const PAYMENTS_OUTBOX = Symbol('PAYMENTS_OUTBOX');
const OUTBOX = outboxTable(PAYMENTS_SCHEMA);
/** Detail of a charge given up at the order's deadline. */
export const GAVE_UP_DETAIL = "the order's deadline passed before payment started the charge; nothing was charged";

/** How a charge is asked for. */
export interface ChargeOptions {
  /** Write PaymentCompleted into the outbox with the outcome (the event path); the RPC path answers only. */
  report: boolean;
  /** Epoch ms by which the charge must have started (the order's deadline), or null for none. */
  deadlineAtMs: number | null;
}

const RPC_CHARGE: ChargeOptions = { report: false, deadlineAtMs: null };

interface PaymentRow {
  order_id: string;
  status: PaymentStatus;
  reason: string;
  transaction_id: string;
  detail: string;
}

interface Start {
  request: PaymentRequestedEvent;
  options: ChargeOptions;
}

interface Completion {
  orderId: string;
  ok: boolean;
  transactionId: string;
  detail: string;
  report: boolean;
}

/** PaymentCompleted of the settled rows of CTE `settled` whose input (CTE `input`) asked for a report, as outbox rows (jsonb array). */
const COMPLETED_EVENTS_SQL = `
  SELECT jsonb_agg(jsonb_build_object('topic', '${Topics.PaymentCompleted}', 'key', r.order_id::text, 'payload', jsonb_build_object(
           'orderId', r.order_id, 'ok', r.status = 'SUCCEEDED',
           'reason', CASE WHEN r.status = 'FAILED' THEN coalesce(nullif(r.reason, ''), 'PAYMENT_FAILED') ELSE '' END,
           'detail', r.detail, 'transactionId', r.transaction_id)) ORDER BY r.order_id) AS list
    FROM settled r JOIN input i USING (order_id)
   WHERE i.report AND r.status <> 'PENDING'`;

/**
 * Charges each order at most once. The payment row (inserted in batches) is the record:
 * a redelivered request whose row is final is answered from it without touching the
 * gateway; one still PENDING (crash mid-charge) is charged again, which the gateway
 * deduplicates by order id.
 *
 * Where money is decided: payment alone decides a VALIDATED order (the deadline sweeper no
 * longer rejects one). The deadline applies to the start of the charge: a request first seen
 * after the order's deadline is recorded FAILED with reason TIMEOUT in the statement that
 * creates its row, and nothing is charged; a request seen in time is charged however long the
 * gateway takes, and its outcome stands. The row's outcome is what is reported (first writer
 * wins), and on the event path PaymentCompleted is written into `payments.outbox` by the
 * statement that records it.
 */
@Injectable()
export class PaymentsService {
  private readonly startBatch = new BatchCoalescer<Start, PaymentRow>((items) => this.startMany(items));
  private readonly finishBatch = new BatchCoalescer<Completion, PaymentRow>((done) => this.finishMany(done));

  constructor(
    @InjectDataSource(PAYMENTS_DATA_SOURCE) private readonly db: DataSource,
    private readonly gateways: GatewaysService,
    @Inject(PAYMENTS_OUTBOX) private readonly outbox: OutboxRelay,
  ) {}

  /**
   * Charges the order once (or gives up at its deadline) and resolves with the recorded
   * outcome, committed. With `report`, PaymentCompleted is committed with it into the outbox
   * and the relay is woken.
   */
  async process(request: PaymentRequestedEvent, options: ChargeOptions = RPC_CHARGE): Promise<PaymentCompletedEvent> {
    let row = await this.startBatch.submit({ request, options });
    if (row.status === 'PENDING') {
      const result = await this.gateways.for(request.paymentMethod).charge(request.orderId, request.amountCents);
      row = await this.finishBatch.submit({ orderId: request.orderId, ...result, report: options.report });
    }
    if (options.report) void this.outbox.wake();
    return completedEvent(row);
  }

  private async startMany(items: Start[]): Promise<Array<ItemResult<PaymentRow>>> {
    const input = items.map(({ request: r, options: o }) => ({
      order_id: r.orderId,
      method: r.paymentMethod,
      amount_cents: r.amountCents,
      deadline_at: o.deadlineAtMs === null ? null : new Date(o.deadlineAtMs).toISOString(),
      report: o.report,
    }));
    const rows: PaymentRow[] = await this.db.query(
      `WITH input AS (
         SELECT DISTINCT ON (order_id) * FROM jsonb_to_recordset($1::jsonb)
             AS x(order_id uuid, method text, amount_cents integer, deadline_at timestamptz, report boolean)
          ORDER BY order_id, report DESC
       ), inserted AS (
         INSERT INTO payments.payments (order_id, method, amount_cents, status, reason, detail)
         SELECT order_id, method, amount_cents,
                CASE WHEN deadline_at <= now() THEN 'FAILED' ELSE 'PENDING' END,
                CASE WHEN deadline_at <= now() THEN 'TIMEOUT' ELSE '' END,
                CASE WHEN deadline_at <= now() THEN $2 ELSE '' END
           FROM input
         ON CONFLICT (order_id) DO NOTHING
         RETURNING order_id, status, reason, transaction_id, detail
       ), settled AS (
         SELECT * FROM inserted
         UNION ALL
         SELECT p.order_id, p.status, p.reason, p.transaction_id, p.detail FROM payments.payments p
          WHERE p.order_id IN (SELECT order_id FROM input)
            AND p.order_id NOT IN (SELECT order_id FROM inserted)
       ), events AS (${COMPLETED_EVENTS_SQL}
       ), outboxed AS (
         ${outboxInsertSql(OUTBOX, '(SELECT list FROM events)')}
       )
       SELECT order_id, status, reason, transaction_id, detail FROM settled`,
      [JSON.stringify(input), GAVE_UP_DETAIL],
    );
    const byOrder = new Map(rows.map((r) => [r.order_id, r]));
    return items.map(({ request: r }) => {
      const row = byOrder.get(r.orderId);
      return row ? { ok: true, value: row } : { ok: false, error: new Error(`payment row missing for ${r.orderId}`) };
    });
  }

  private async finishMany(done: Completion[]): Promise<Array<ItemResult<PaymentRow>>> {
    const input = done.map((d) => ({
      order_id: d.orderId,
      status: d.ok ? 'SUCCEEDED' : 'FAILED',
      reason: d.ok ? '' : 'PAYMENT_FAILED',
      transaction_id: d.transactionId,
      detail: d.detail,
      report: d.report,
    }));
    // A row another delivery settled first keeps its outcome and is reported as stored; one
    // still PENDING here (settled by a transaction this statement did not see) fails the item, retried.
    const rows: PaymentRow[] = await this.db.query(
      `WITH input AS (
         SELECT DISTINCT ON (order_id) * FROM jsonb_to_recordset($1::jsonb)
             AS x(order_id uuid, status text, reason text, transaction_id text, detail text, report boolean)
          ORDER BY order_id, report DESC
       ), updated AS (
         UPDATE payments.payments p
            SET status = x.status, reason = x.reason, transaction_id = x.transaction_id, detail = x.detail, completed_at = now()
           FROM input x
          WHERE p.order_id = x.order_id AND p.status = 'PENDING'
          RETURNING p.order_id, p.status, p.reason, p.transaction_id, p.detail
       ), settled AS (
         SELECT * FROM updated
         UNION ALL
         SELECT p.order_id, p.status, p.reason, p.transaction_id, p.detail FROM payments.payments p
          WHERE p.order_id IN (SELECT order_id FROM input)
            AND p.order_id NOT IN (SELECT order_id FROM updated) AND p.status <> 'PENDING'
       ), events AS (${COMPLETED_EVENTS_SQL}
       ), outboxed AS (
         ${outboxInsertSql(OUTBOX, '(SELECT list FROM events)')}
       )
       SELECT order_id, status, reason, transaction_id, detail FROM settled`,
      [JSON.stringify(input)],
    );
    const byOrder = new Map(rows.map((r) => [r.order_id, r]));
    return done.map((d) => {
      const row = byOrder.get(d.orderId);
      return row ? { ok: true, value: row } : { ok: false, error: new Error(`payment of ${d.orderId} was settled concurrently; retry to read it`) };
    });
  }
}

function completedEvent(row: PaymentRow): PaymentCompletedEvent {
  const ok = row.status === 'SUCCEEDED';
  const reason: RejectReason | '' = ok ? '' : row.reason === 'TIMEOUT' ? 'TIMEOUT' : 'PAYMENT_FAILED';
  return { orderId: row.order_id, ok, reason, detail: row.detail, transactionId: row.transaction_id };
}
