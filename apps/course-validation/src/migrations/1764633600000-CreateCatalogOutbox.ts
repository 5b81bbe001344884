import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `catalog.outbox`: course-validation's events (CourseChecked, SeatConfirmed), written by the
 * statement that holds or sells the seat, published by the outbox relay, deleted after the
 * broker's ack.
 */
export class CreateCatalogOutbox1764633600000 implements MigrationInterface {
  name = 'CreateCatalogOutbox1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE catalog.outbox (
        id         bigserial PRIMARY KEY,
        topic      text NOT NULL,
        key        text NOT NULL,
        payload    jsonb NOT NULL,
        headers    jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE catalog.outbox`);
  }
}
