import type { DataSource } from 'typeorm';
import type { OrderCore, OrderStatus, RejectReason } from '@peak/contracts';
import { BatchCoalescer, ItemResult } from '@peak/messaging';
import { insertPendingOrders } from '../pending-orders.sql';

/** The final facts of a directly processed order. */
export interface DirectOutcome {
  orderId: string;
  status: Extract<OrderStatus, 'CONFIRMED' | 'REJECTED'>;
  reason: RejectReason | null;
  detail: string;
  authOk: boolean | null;
  courseOk: boolean | null;
  seatHeld: boolean;
  amountCents: number | null;
}

/**
 * Direct mode's writes to orders.orders: a PENDING row when the request starts, the final
 * state when the call chain ends. Concurrent requests share one statement per batch.
 */
export class DirectOrderLedger {
  private readonly inserts = new BatchCoalescer<OrderCore, OrderStatus | null>((cores) => this.insertMany(cores));
  private readonly finals = new BatchCoalescer<DirectOutcome, void>((outcomes) => this.finishMany(outcomes));

  constructor(
    private readonly db: DataSource,
    private readonly deadlineMs: number,
  ) {}

  /** Inserts the PENDING row; null when inserted, else the status of the row that already existed. */
  open(core: OrderCore): Promise<OrderStatus | null> {
    return this.inserts.submit(core);
  }

  /** Writes the final state (only over a PENDING row: the deadline sweeper may have decided first). */
  close(outcome: DirectOutcome): Promise<void> {
    return this.finals.submit(outcome);
  }

  private async insertMany(cores: OrderCore[]): Promise<Array<ItemResult<OrderStatus | null>>> {
    const fresh = new Set(await insertPendingOrders((sql, params) => this.db.query(sql, params), cores, this.deadlineMs));
    const others = cores.filter((c) => !fresh.has(c.orderId)).map((c) => c.orderId);
    const existing = new Map<string, OrderStatus>();
    if (others.length > 0) {
      const found: Array<{ order_id: string; status: OrderStatus }> = await this.db.query(
        `SELECT order_id, status FROM orders.orders WHERE order_id = ANY($1::uuid[])`,
        [others],
      );
      for (const r of found) existing.set(r.order_id, r.status);
    }
    const claimed = new Set<string>();
    return cores.map((c) => {
      // The first request of a batch for an id owns it; repeats see it as existing.
      if (fresh.has(c.orderId) && !claimed.has(c.orderId)) {
        claimed.add(c.orderId);
        return { ok: true, value: null };
      }
      return { ok: true, value: existing.get(c.orderId) ?? 'PENDING' };
    });
  }

  private async finishMany(outcomes: DirectOutcome[]): Promise<Array<ItemResult<void>>> {
    const rows = outcomes.map((o) => ({
      order_id: o.orderId,
      status: o.status,
      reason: o.reason,
      detail: o.detail,
      auth_ok: o.authOk,
      course_ok: o.courseOk,
      seat_held: o.seatHeld,
      amount_cents: o.amountCents,
    }));
    await this.db.query(
      `UPDATE orders.orders o
          SET status = x.status, reason = x.reason, detail = x.detail, auth_ok = x.auth_ok, course_ok = x.course_ok,
              seat_held = x.seat_held, amount_cents = x.amount_cents,
              validated_at = CASE WHEN x.auth_ok AND x.course_ok THEN now() END,
              paid_at = CASE WHEN x.status = 'CONFIRMED' THEN now() END,
              confirmed_at = CASE WHEN x.status = 'CONFIRMED' THEN now() END,
              rejected_at = CASE WHEN x.status = 'REJECTED' THEN now() END
         FROM jsonb_to_recordset($1::jsonb) AS x(order_id uuid, status text, reason text, detail text, auth_ok boolean,
              course_ok boolean, seat_held boolean, amount_cents integer)
        WHERE o.order_id = x.order_id AND o.status = 'PENDING'`,
      [JSON.stringify(rows)],
    );
    return outcomes.map(() => ({ ok: true, value: undefined }));
  }
}
