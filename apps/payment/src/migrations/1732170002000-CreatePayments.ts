import { MigrationInterface, QueryRunner } from 'typeorm';

/** payment owns schema `payments`: one row per order, the charge's idempotency record. */
export class CreatePayments1732170002000 implements MigrationInterface {
  name = 'CreatePayments1732170002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS payments`);
    await q.query(`
      CREATE TABLE payments.payments (
        order_id       uuid PRIMARY KEY,
        method         text NOT NULL CHECK (method IN ('alipay', 'wechat')),
        amount_cents   integer NOT NULL CHECK (amount_cents >= 0),
        status         text NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
        transaction_id text NOT NULL DEFAULT '',
        detail         text NOT NULL DEFAULT '',
        created_at     timestamptz NOT NULL DEFAULT now(),
        completed_at   timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA payments CASCADE`);
  }
}
