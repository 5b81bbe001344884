import type { OrderCore } from '@peak/contracts';

/** Runs one SQL statement: `DataSource.query` or `EntityManager.query` (inside a transaction). */
export type RunQuery = (sql: string, params: unknown[]) => Promise<unknown>;

/**
 * Inserts the PENDING rows of `cores` in one statement (rows as a jsonb array); an order that
 * already has a row, or appears twice, is skipped. Returns the ids of the rows it created.
 * Shared by the broker-mode aggregator and direct mode, which must write identical rows.
 */
export async function insertPendingOrders(run: RunQuery, cores: readonly OrderCore[], deadlineMs: number): Promise<string[]> {
  if (cores.length === 0) return [];
  const rows = cores.map((o) => ({
    order_id: o.orderId,
    buyer_id: o.buyerId,
    idempotency_key: o.idempotencyKey,
    course_id: o.courseId,
    payment_method: o.paymentMethod,
    expected_price_cents: o.expectedPriceCents,
    created_at: new Date(o.createdAtMs).toISOString(),
    deadline_at: new Date(o.createdAtMs + deadlineMs).toISOString(),
  }));
  const inserted = (await run(
    `INSERT INTO orders.orders
       (order_id, buyer_id, idempotency_key, course_id, payment_method, expected_price_cents, status, created_at, deadline_at)
     SELECT DISTINCT ON (order_id) order_id, buyer_id, idempotency_key, course_id, payment_method, expected_price_cents,
            'PENDING', created_at, deadline_at
       FROM jsonb_to_recordset($1::jsonb) AS x(order_id uuid, buyer_id text, idempotency_key text, course_id text,
            payment_method text, expected_price_cents integer, created_at timestamptz, deadline_at timestamptz)
      ORDER BY order_id
     ON CONFLICT DO NOTHING RETURNING order_id`,
    [JSON.stringify(rows)],
  )) as Array<{ order_id: string }>;
  return inserted.map((r) => r.order_id);
}
