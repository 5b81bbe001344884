import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `payments.outbox`: PaymentCompleted events, written by the statement that records the
 * outcome, published by the outbox relay, deleted after the broker's ack. `payments.reason`
 * says why a charge failed: PAYMENT_FAILED (declined) or TIMEOUT (the order's deadline passed
 * before payment started the charge; nothing was charged).
 */
export class PaymentsOutboxAndReason1764633600000 implements MigrationInterface {
  name = 'PaymentsOutboxAndReason1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payments.outbox (
        id         bigserial PRIMARY KEY,
        topic      text NOT NULL,
        key        text NOT NULL,
        payload    jsonb NOT NULL,
        headers    jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      ALTER TABLE payments.payments
        ADD COLUMN reason text NOT NULL DEFAULT '' CHECK (reason IN ('', 'PAYMENT_FAILED', 'TIMEOUT'))`);
    await q.query(`UPDATE payments.payments SET reason = 'PAYMENT_FAILED' WHERE status = 'FAILED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments.payments DROP COLUMN reason`);
    await q.query(`DROP TABLE payments.outbox`);
  }
}
