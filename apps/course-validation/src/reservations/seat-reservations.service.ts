import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OrderCore, RejectReason } from '@peak/contracts';
import { BatchCoalescer, ItemResult } from '@peak/messaging';
import { AcquireOptions, StageCapacity } from '@peak/platform';
import { courseValidationConfig } from '../config/course-validation.config';
import { CATALOG_DATA_SOURCE } from '../config/course-validation.constants';

/** Name of course-validation's stage in capacity reports. */
export const COURSE_CHECK_STAGE = 'course-check';

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
 * answer and never a second seat. Each check, from the event consumer or the RPC endpoint
 * alike, first waits for the stage's capacity (COURSE_CHECK_RPS, COURSE_CHECK_CONCURRENCY;
 * first come first served), then joins the batched reservation; releasing and selling a
 * held seat are not limited.
 */
@Injectable()
export class SeatReservationsService {
  private readonly reserveBatch = new BatchCoalescer<OrderCore, CourseCheckResult>((items) => this.reserveMany(items));
  private readonly confirmBatch = new BatchCoalescer<string, boolean>((ids) => this.confirmMany(ids));
  private readonly releaseBatch = new BatchCoalescer<string, boolean>((ids) => this.releaseMany(ids));

  readonly capacity: StageCapacity;

  constructor(
    @InjectDataSource(CATALOG_DATA_SOURCE) private readonly db: DataSource,
    @Inject(courseValidationConfig.KEY) config: ConfigType<typeof courseValidationConfig>,
  ) {
    this.capacity = new StageCapacity(COURSE_CHECK_STAGE, { ratePerSecond: config.checkRps, concurrency: config.checkConcurrency });
  }

  /**
   * Checks the order's course (exists, on sale at order time, price) and holds one seat.
   * Rejects with CapacityWaitCancelledError (nothing checked or held) when `options.cancelled`
   * says so at its turn.
   */
  check(order: OrderCore, options?: AcquireOptions): Promise<CourseCheckResult> {
    return this.capacity.run(() => this.reserveBatch.submit(order), options);
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
