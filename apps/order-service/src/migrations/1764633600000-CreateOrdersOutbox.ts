import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `orders.outbox`: the aggregator's events (PaymentRequested, OrderStatusChanged), written in
 * the transaction that changes the orders, published by the outbox relay, deleted after the
 * broker's ack.
 */
export class CreateOrdersOutbox1764633600000 implements MigrationInterface {
  name = 'CreateOrdersOutbox1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orders.outbox (
        id         bigserial PRIMARY KEY,
        topic      text NOT NULL,
        key        text NOT NULL,
        payload    jsonb NOT NULL,
        headers    jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE orders.outbox`);
  }
}
