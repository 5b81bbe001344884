import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OrderCore, RejectReason, Topics } from '@peak/contracts';
import { BatchCoalescer, ItemResult, outboxInsertSql, OutboxRelay, outboxTable } from '@peak/messaging';
import { AcquireOptions, StageCapacity } from '@peak/platform';
import { courseValidationConfig } from '../config/course-validation.config';
import { CATALOG_DATA_SOURCE } from '../config/course-validation.constants';

/** Name of course-validation's stage in capacity reports. */
export const COURSE_CHECK_STAGE = 'course-check';
/** course-validation's schema (its outbox included). */
export const CATALOG_SCHEMA = 'catalog';
/** Injection token of the relay that publishes `catalog.outbox`. */
export const CATALOG_OUTBOX = Symbol('CATALOG_OUTBOX');
const OUTBOX = outboxTable(CATALOG_SCHEMA);

/** One call of a batch: `report` writes its event (CourseChecked / SeatConfirmed) into the outbox in the same statement. */
interface Reported<T> {
  item: T;
  report: boolean;
}

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
 * answer and never a second seat. The event path's results (CourseChecked, SeatConfirmed)
 * are written into `catalog.outbox` by that same statement, so they commit with the seat and
 * the outbox relay publishes them (a publish failing after the commit is retried); the RPC
 * path (direct mode) writes none. Each check, from the event consumer or the RPC endpoint
 * alike, first waits for the stage's capacity (COURSE_CHECK_RPS, COURSE_CHECK_CONCURRENCY;
 * first come first served), then joins the batched reservation; releasing and selling a
 * held seat are not limited.
 */
@Injectable()
export class SeatReservationsService {
  private readonly reserveBatch = new BatchCoalescer<Reported<OrderCore>, CourseCheckResult>((items) => this.reserveMany(items));
  private readonly confirmBatch = new BatchCoalescer<Reported<string>, boolean>((ids) => this.confirmMany(ids));
  private readonly releaseBatch = new BatchCoalescer<string, boolean>((ids) => this.releaseMany(ids));

  readonly capacity: StageCapacity;

  constructor(
    @InjectDataSource(CATALOG_DATA_SOURCE) private readonly db: DataSource,
    @Inject(courseValidationConfig.KEY) config: ConfigType<typeof courseValidationConfig>,
    @Inject(CATALOG_OUTBOX) private readonly outbox: OutboxRelay,
  ) {
    this.capacity = new StageCapacity(COURSE_CHECK_STAGE, { ratePerSecond: config.checkRps, concurrency: config.checkConcurrency });
  }

  /**
   * Checks the order's course (exists, on sale at order time, price) and holds one seat.
   * Rejects with CapacityWaitCancelledError (nothing checked or held) when `options.cancelled`
   * says so at its turn.
   */
  check(order: OrderCore, options?: AcquireOptions): Promise<CourseCheckResult> {
    return this.capacity.run(() => this.reserveBatch.submit({ item: order, report: false }), options);
  }

  /** check(), and its CourseChecked event committed to the outbox with it (the event path); the relay is woken. */
  async checkAndReport(order: OrderCore): Promise<CourseCheckResult> {
    const result = await this.capacity.run(() => this.reserveBatch.submit({ item: order, report: true }));
    void this.outbox.wake();
    return result;
  }

  /** Marks the order's held seat sold; false when the order holds no seat. */
  confirm(orderId: string): Promise<boolean> {
    return this.confirmBatch.submit({ item: orderId, report: false });
  }

  /** confirm(), and, when the seat is sold, its SeatConfirmed event committed to the outbox with it (the event path); the relay is woken. */
  async confirmAndReport(orderId: string): Promise<boolean> {
    const sold = await this.confirmBatch.submit({ item: orderId, report: true });
    if (sold) void this.outbox.wake();
    return sold;
  }

  /** Gives the order's held seat back; false when it held none (already released or never held). */
  release(orderId: string): Promise<boolean> {
    return this.releaseBatch.submit(orderId);
  }

  private async reserveMany(items: Array<Reported<OrderCore>>): Promise<Array<ItemResult<CourseCheckResult>>> {
    const orders = items.map((i) => i.item);
    const reported = items.filter((i) => i.report).map((i) => ({ order_id: i.item.orderId, core: i.item }));
    const requests = orders.map((o) => ({
      order_id: o.orderId,
      course_id: o.courseId,
      buyer_id: o.buyerId,
      expected_price_cents: o.expectedPriceCents,
      at: new Date(o.createdAtMs).toISOString(),
    }));
    // The function runs once (a CTE with a volatile call is materialized); CourseChecked for each reported order from its outcome.
    const rows: ReserveRow[] = await this.db.query(
      `WITH r AS (SELECT * FROM catalog.reserve_seats($1::jsonb)),
       events AS (
         SELECT jsonb_agg(jsonb_build_object(
                  'topic', '${Topics.CourseChecked}', 'key', r.order_id::text,
                  'payload', jsonb_build_object('order', i.core, 'ok', r.ok, 'reason', r.reason, 'detail', r.detail,
                                                'priceCents', r.price_cents, 'seatHeld', r.seat_held)) ORDER BY r.order_id) AS list
           FROM r JOIN jsonb_to_recordset($2::jsonb) AS i(order_id uuid, core jsonb) USING (order_id)
       ), outboxed AS (
         ${outboxInsertSql(OUTBOX, '(SELECT list FROM events)')}
       )
       SELECT * FROM r`,
      [JSON.stringify(requests), JSON.stringify(reported)],
    );
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

  private async confirmMany(items: Array<Reported<string>>): Promise<Array<ItemResult<boolean>>> {
    const orderIds = items.map((i) => i.item);
    const reported = [...new Set(items.filter((i) => i.report).map((i) => i.item))];
    const rows: Array<{ order_id: string }> = await this.db.query(
      `WITH sold AS (
         UPDATE catalog.seat_reservations SET status = 'SOLD', settled_at = coalesce(settled_at, now())
          WHERE order_id = ANY($1::uuid[]) AND status IN ('HELD', 'SOLD') RETURNING order_id, course_id
       ), events AS (
         SELECT jsonb_agg(jsonb_build_object(
                  'topic', '${Topics.SeatConfirmed}', 'key', order_id::text,
                  'payload', jsonb_build_object('orderId', order_id, 'courseId', course_id)) ORDER BY order_id) AS list
           FROM sold WHERE order_id = ANY($2::uuid[])
       ), outboxed AS (
         ${outboxInsertSql(OUTBOX, '(SELECT list FROM events)')}
       )
       SELECT order_id FROM sold`,
      [orderIds, reported],
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
