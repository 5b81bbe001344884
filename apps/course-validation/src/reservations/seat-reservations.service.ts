import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OrderCore, RejectReason } from '@peak/contracts';
import { BatchCoalescer, ItemResult } from '@peak/messaging';
import { CATALOG_DATA_SOURCE } from '../config/course-validation.constants';

export interface CourseCheckResult {
  ok: boolean;
  reason: RejectReason | '';
  detail: string;
  priceCents: number;
  seatHeld: boolean;
}

interface ReserveRow {
  order_id: string;
  ok: boolean;
  reason: string;
  detail: string;
  price_cents: number;
  seat_held: boolean;
}

/**
 * Checks courses and holds, sells or releases seats, batching concurrent calls into one SQL
 * round trip each. Every operation is idempotent per order: a check is recorded with its
 * outcome in the same statement that holds the seat, so a redelivered order gets the same
 * answer and never a second seat.
 */
@Injectable()
export class SeatReservationsService {
  private readonly reserveBatch = new BatchCoalescer<OrderCore, CourseCheckResult>((items) => this.reserveMany(items));
  private readonly confirmBatch = new BatchCoalescer<string, boolean>((ids) => this.confirmMany(ids));
  private readonly releaseBatch = new BatchCoalescer<string, boolean>((ids) => this.releaseMany(ids));

  constructor(@InjectDataSource(CATALOG_DATA_SOURCE) private readonly db: DataSource) {}

  /** Checks the order's course (exists, on sale at order time, price) and holds one seat. */
  check(order: OrderCore): Promise<CourseCheckResult> {
    return this.reserveBatch.submit(order);
  }

  /** Marks the order's held seat sold; false when the order holds no seat. */
  confirm(orderId: string): Promise<boolean> {
    return this.confirmBatch.submit(orderId);
  }

  /** Gives the order's held seat back; false when it held none (already released or never held). */
  release(orderId: string): Promise<boolean> {
    return this.releaseBatch.submit(orderId);
  }

  private async reserveMany(orders: OrderCore[]): Promise<Array<ItemResult<CourseCheckResult>>> {
    const requests = orders.map((o) => ({
      order_id: o.orderId,
      course_id: o.courseId,
      buyer_id: o.buyerId,
      expected_price_cents: o.expectedPriceCents,
      at: new Date(o.createdAtMs).toISOString(),
    }));
    const rows: ReserveRow[] = await this.db.query(`SELECT * FROM catalog.reserve_seats($1::jsonb)`, [JSON.stringify(requests)]);
    const byOrder = new Map(rows.map((r) => [r.order_id, r]));
    return orders.map((o) => {
      const row = byOrder.get(o.orderId);
      if (!row) return { ok: false, error: new Error(`no reservation outcome for ${o.orderId}`) };
      return {
        ok: true,
        value: { ok: row.ok, reason: row.reason as RejectReason | '', detail: row.detail, priceCents: row.price_cents, seatHeld: row.seat_held },
      };
    });
  }

  private async confirmMany(orderIds: string[]): Promise<Array<ItemResult<boolean>>> {
    const rows: Array<{ order_id: string }> = await this.db.query(
      `WITH sold AS (
         UPDATE catalog.seat_reservations SET status = 'SOLD', settled_at = coalesce(settled_at, now())
          WHERE order_id = ANY($1::uuid[]) AND status IN ('HELD', 'SOLD') RETURNING order_id
       )
       SELECT order_id FROM sold`,
      [orderIds],
    );
    const done = new Set(rows.map((r) => r.order_id));
    return orderIds.map((id) => ({ ok: true, value: done.has(id) }));
  }

  private async releaseMany(orderIds: string[]): Promise<Array<ItemResult<boolean>>> {
    const rows: Array<{ order_id: string }> = await this.db.query(
      `WITH released AS (
         UPDATE catalog.seat_reservations SET status = 'RELEASED', settled_at = now()
          WHERE order_id = ANY($1::uuid[]) AND status = 'HELD'
          RETURNING order_id, course_id
       ), counts AS (
         SELECT course_id, count(*)::int AS n FROM released GROUP BY course_id
       ), bumped AS (
         UPDATE catalog.courses c SET seats_left = c.seats_left + counts.n
           FROM counts WHERE c.course_id = counts.course_id
       )
       SELECT order_id FROM released`,
      [orderIds],
    );
    const done = new Set(rows.map((r) => r.order_id));
    return orderIds.map((id) => ({ ok: true, value: done.has(id) }));
  }
}
