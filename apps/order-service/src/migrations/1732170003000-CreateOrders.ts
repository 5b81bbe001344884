import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * order-service owns schema `orders`. The order id is derived from (buyer, Idempotency-Key),
 * so the primary key and the (buyer_id, idempotency_key) unique constraint both make a
 * repeated request the same single row, however many copies of its event arrive.
 */
export class CreateOrders1732170003000 implements MigrationInterface {
  name = 'CreateOrders1732170003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS orders`);
    await q.query(`
      CREATE TABLE orders.orders (
        order_id             uuid PRIMARY KEY,
        buyer_id             text NOT NULL,
        idempotency_key      text NOT NULL,
        course_id            text NOT NULL,
        payment_method       text NOT NULL CHECK (payment_method IN ('alipay', 'wechat')),
        expected_price_cents integer NOT NULL DEFAULT 0,
        amount_cents         integer,
        status               text NOT NULL CHECK (status IN ('PENDING', 'VALIDATED', 'PAID', 'CONFIRMED', 'REJECTED')),
        reason               text,
        detail               text NOT NULL DEFAULT '',
        auth_ok              boolean,
        course_ok            boolean,
        seat_held            boolean NOT NULL DEFAULT false,
        created_at           timestamptz NOT NULL,
        validated_at         timestamptz,
        paid_at              timestamptz,
        confirmed_at         timestamptz,
        rejected_at          timestamptz,
        deadline_at          timestamptz NOT NULL,
        CONSTRAINT orders_buyer_idempotency_key UNIQUE (buyer_id, idempotency_key)
      )`);
    await q.query(`CREATE INDEX orders_open_by_deadline ON orders.orders (deadline_at) WHERE status IN ('PENDING', 'VALIDATED')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA orders CASCADE`);
  }
}
