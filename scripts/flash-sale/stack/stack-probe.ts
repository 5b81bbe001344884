import type { Admin, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { ConsumerGroups, Topics } from '@peak/contracts';
import { readTopicToEnd } from '@peak/messaging';
import type { RunMode } from '../options';
import type { RunTimeline, StageProgress, StageQueries } from '../metrics/run-timeline.types';
import type { Bucket } from '../metrics/stage-work';
import type { InvariantReport, LagEntry, OrderCounts, StackProbe } from './stack.types';

/** Topics each service's consumer group reads (docs/order-pipeline.md). */
export const GROUP_TOPICS: ReadonlyArray<{ group: string; topics: string[] }> = [
  {
    group: ConsumerGroups.OrderService,
    topics: [Topics.OrderCreated, Topics.AuthChecked, Topics.CourseChecked, Topics.PaymentCompleted, Topics.SeatConfirmed],
  },
  { group: ConsumerGroups.Auth, topics: [Topics.OrderCreated] },
  { group: ConsumerGroups.CourseValidation, topics: [Topics.OrderCreated] },
  { group: ConsumerGroups.CourseValidationSeats, topics: [Topics.OrderStatus] },
  { group: ConsumerGroups.Payment, topics: [Topics.PaymentRequested] },
];

/** Largest number of example ids kept per broken invariant. */
const MAX_EXAMPLES = 5;
/** How long to wait for a reader to see the whole intake topic. */
const READ_TOPIC_TIMEOUT_MS = 60_000;

/**
 * Reads the truth of a running stack: order counts and invariants from PostgreSQL, lag and
 * the accepted orders from the broker. Never from the load generator's memory.
 */
export class SqlBrokerProbe implements StackProbe, StageQueries {
  private admin: Admin | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly kafka: Kafka,
    private readonly mode: RunMode,
    private readonly courseId: string,
  ) {}

  /** Order ids of the warm-up (the shop's ordinary orders before the sale): left out of every figure. */
  private excluded: string[] = [];

  /**
   * Leaves every order of `courseId` out of the counts, the timeline and the audit from now
   * on (they must all have rows, i.e. be stored, when this is called). The invariants still
   * cover them where they are global: nobody charged twice, nobody charged without a seat.
   */
  async excludeOrdersOf(courseId: string): Promise<number> {
    const r = await this.pool.query<{ order_id: string }>(`SELECT order_id FROM orders.orders WHERE course_id = $1`, [courseId]);
    this.excluded = r.rows.map((x) => x.order_id);
    return this.excluded.length;
  }

  /** Orders of one course (and its sale) only: the final state of the warm-up's orders. */
  async finalOrdersOf(courseId: string): Promise<number> {
    const r = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders.orders WHERE course_id = $1 AND status IN ('CONFIRMED', 'REJECTED')`,
      [courseId],
    );
    return r.rows[0].n;
  }

  async orderCounts(): Promise<OrderCounts> {
    const [orders, paid] = await Promise.all([
      this.pool.query<{ status: string; reason: string | null; n: number }>(
        `SELECT status, reason, count(*)::int AS n FROM orders.orders WHERE NOT (order_id = ANY($1::uuid[])) GROUP BY status, reason`,
        [this.excluded],
      ),
      this.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM payments.payments WHERE status = 'SUCCEEDED' AND NOT (order_id = ANY($1::uuid[]))`,
        [this.excluded],
      ),
    ]);
    const counts: OrderCounts = { total: 0, confirmed: 0, rejected: 0, rejectedByReason: {}, paid: paid.rows[0].n };
    for (const r of orders.rows) {
      counts.total += r.n;
      if (r.status === 'CONFIRMED') counts.confirmed += r.n;
      if (r.status === 'REJECTED') {
        counts.rejected += r.n;
        const reason = r.reason ?? 'UNKNOWN';
        counts.rejectedByReason[reason] = (counts.rejectedByReason[reason] ?? 0) + r.n;
      }
    }
    return counts;
  }

  async stageProgress(): Promise<StageProgress> {
    const r = await this.pool.query<{ course_checks: number; charges: number }>(
      `SELECT (SELECT count(*)::int FROM catalog.course_checks WHERE NOT (order_id = ANY($1::uuid[]))) AS course_checks,
              (SELECT count(*)::int FROM payments.payments WHERE completed_at IS NOT NULL AND NOT (order_id = ANY($1::uuid[]))) AS charges`,
      [this.excluded],
    );
    return { courseChecks: r.rows[0].course_checks, charges: r.rows[0].charges };
  }

  /**
   * The run as the rows' timestamps tell it (each run has a database of its own). created_at
   * is the intake time order-service gave the order; validated_at, confirmed_at and
   * rejected_at are the aggregator's, checked_at and completed_at PostgreSQL's now(): all
   * clocks of this one machine.
   */
  async runTimeline(originWallMs: number, bucketMs: number): Promise<RunTimeline> {
    const buckets = async (table: string, column: string, where = 'true'): Promise<Bucket[]> => {
      const r = await this.pool.query<{ b: number; n: number }>(
        `SELECT floor((extract(epoch FROM ${column}) * 1000 - $1) / $2)::int AS b, count(*)::int AS n
           FROM ${table} WHERE ${column} IS NOT NULL AND ${where} AND NOT (order_id = ANY($3::uuid[])) GROUP BY 1 ORDER BY 1`,
        [originWallMs, bucketMs, this.excluded],
      );
      return r.rows.map((x) => ({ t: (x.b * bucketMs) / 1000, n: x.n }));
    };
    const firsts = await this.pool.query<{ first_accepted: number | null; first_final_after: number | null }>(
      `SELECT (extract(epoch FROM min(created_at)) * 1000 - $1) / 1000 AS first_accepted,
              extract(epoch FROM min(coalesce(confirmed_at, rejected_at)) FILTER (WHERE status IN ('CONFIRMED', 'REJECTED'))
                                 - min(created_at)) * 1000 AS first_final_after
         FROM orders.orders WHERE NOT (order_id = ANY($2::uuid[]))`,
      [originWallMs, this.excluded],
    );
    const f = firsts.rows[0];
    return {
      bucketSeconds: bucketMs / 1000,
      firstAcceptedAt: f.first_accepted === null ? null : Number(f.first_accepted),
      firstFinalAfterMs: f.first_final_after === null ? null : Math.round(Number(f.first_final_after)),
      accepted: await buckets('orders.orders', 'created_at'),
      courseChecked: await buckets('catalog.course_checks', 'checked_at'),
      validated: await buckets('orders.orders', 'validated_at'),
      charged: await buckets('payments.payments', 'completed_at'),
    };
  }

  async consumerLag(): Promise<LagEntry[]> {
    if (this.mode === 'direct') return [];
    const admin = await this.adminClient();
    const topics = [...new Set(GROUP_TOPICS.flatMap((g) => g.topics))];
    const ends = new Map<string, Map<number, { high: number; low: number }>>();
    await Promise.all(
      topics.map(async (t) => {
        const offsets = await admin.fetchTopicOffsets(t);
        ends.set(t, new Map(offsets.map((o) => [o.partition, { high: Number(o.high), low: Number(o.low) }])));
      }),
    );
    const entries: LagEntry[] = [];
    await Promise.all(
      GROUP_TOPICS.map(async ({ group, topics: groupTopics }) => {
        const committed = await admin.fetchOffsets({ groupId: group, topics: groupTopics });
        for (const t of committed) {
          for (const p of t.partitions) {
            const end = ends.get(t.topic)?.get(p.partition);
            if (!end) continue;
            const offset = Number(p.offset);
            const from = offset >= 0 ? offset : end.low;
            entries.push({ group, topic: t.topic, partition: p.partition, lag: Math.max(0, end.high - from) });
          }
        }
      }),
    );
    return entries.sort((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  /**
   * Accepted = the receipts ∪ every order on the broker's intake topic ∪ every order row.
   * lost: accepted but not CONFIRMED/REJECTED. oversold: seats sold or orders confirmed beyond
   * the course's seats (and a seat counter that disagrees with the reservations).
   * doubleCharged: more than one successful charge for one order, or for one buyer and course.
   * chargedWithoutSeat: a successful charge whose order is not PAID/CONFIRMED.
   */
  async invariants(receiptIds: readonly string[]): Promise<InvariantReport> {
    const excluded = new Set(this.excluded);
    const onBroker = this.mode === 'broker' ? (await this.orderIdsOnBroker()).filter((id) => !excluded.has(id)) : [];
    const accepted = [...new Set([...receiptIds, ...onBroker])];
    const notFinal = await this.pool.query<{ order_id: string; status: string | null }>(
      `WITH accepted AS (
         SELECT unnest($1::uuid[]) AS order_id
         UNION SELECT order_id FROM orders.orders WHERE NOT (order_id = ANY($2::uuid[]))
       )
       SELECT a.order_id, o.status FROM accepted a LEFT JOIN orders.orders o USING (order_id)
        WHERE o.status IS NULL OR o.status NOT IN ('CONFIRMED', 'REJECTED')`,
      [accepted, this.excluded],
    );
    const seats = await this.pool.query<{ seats_total: number; seats_left: number; sold: number; live: number; confirmed: number }>(
      `SELECT c.seats_total, c.seats_left,
              (SELECT count(*)::int FROM catalog.seat_reservations r WHERE r.course_id = c.course_id AND r.status = 'SOLD') AS sold,
              (SELECT count(*)::int FROM catalog.seat_reservations r WHERE r.course_id = c.course_id AND r.status <> 'RELEASED') AS live,
              (SELECT count(*)::int FROM orders.orders o WHERE o.course_id = c.course_id AND o.status = 'CONFIRMED') AS confirmed
         FROM catalog.courses c WHERE c.course_id = $1`,
      [this.courseId],
    );
    const s = seats.rows[0];
    const oversold = s
      ? Math.max(0, s.sold - s.seats_total, s.confirmed - s.seats_total, s.live - s.seats_total, s.seats_total - s.seats_left - s.live, -s.seats_left)
      : 0;
    const doubled = await this.pool.query<{ what: string; n: number }>(
      `SELECT 'buyer ' || o.buyer_id || ' / ' || o.course_id AS what, count(*)::int AS n
         FROM payments.payments p JOIN orders.orders o USING (order_id)
        WHERE p.status = 'SUCCEEDED'
        GROUP BY o.buyer_id, o.course_id HAVING count(*) > 1`,
    );
    // Money taken for no seat: a successful charge whose order is not PAID/CONFIRMED (REJECTED,
    // still open, or no row). Payment alone decides a VALIDATED order and never charges after
    // giving up at the deadline, so there is no refund to discount: a charge that succeeded stands.
    const chargedWithoutSeat = await this.pool.query<{ order_id: string; status: string | null }>(
      `SELECT p.order_id, o.status FROM payments.payments p LEFT JOIN orders.orders o USING (order_id)
        WHERE p.status = 'SUCCEEDED' AND (o.status IS NULL OR o.status NOT IN ('PAID', 'CONFIRMED'))`,
    );
    const unknowing = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders.orders
        WHERE status = 'CONFIRMED' AND NOT (order_id = ANY($1::uuid[])) AND NOT (order_id = ANY($2::uuid[]))`,
      [receiptIds, this.excluded],
    );
    const examples = [
      ...notFinal.rows.slice(0, MAX_EXAMPLES).map((r) => `lost ${r.order_id} (${r.status ?? 'no row'})`),
      ...doubled.rows.slice(0, MAX_EXAMPLES).map((r) => `charged ${r.n}x: ${r.what}`),
      ...chargedWithoutSeat.rows.slice(0, MAX_EXAMPLES).map((r) => `charged without a seat ${r.order_id} (${r.status ?? 'no row'})`),
      ...(oversold > 0 && s ? [`seats total ${s.seats_total}, left ${s.seats_left}, sold ${s.sold}, live ${s.live}, confirmed ${s.confirmed}`] : []),
    ];
    return {
      lost: notFinal.rows.length,
      missing: notFinal.rows.filter((r) => r.status === null).length,
      oversold,
      doubleCharged: doubled.rows.reduce((n, r) => n + r.n - 1, 0),
      chargedWithoutSeat: chargedWithoutSeat.rows.length,
      confirmedWithoutReceipt: unknowing.rows[0].n,
      ordersOnBroker: new Set(onBroker).size,
      examples,
    };
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = null;
  }

  private async adminClient(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /** Keys (order ids) of every OrderCreated record, read with a throwaway group. */
  private async orderIdsOnBroker(): Promise<string[]> {
    const records = await readTopicToEnd(this.kafka, Topics.OrderCreated, { timeoutMs: READ_TOPIC_TIMEOUT_MS, groupPrefix: 'flash-sale-audit' });
    return records.flatMap((r) => (r.message.key ? [r.message.key.toString('utf8')] : []));
  }
}
