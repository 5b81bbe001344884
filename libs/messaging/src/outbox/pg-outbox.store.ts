import type { DataSource } from 'typeorm';
import type { OutboxRow, OutboxStore } from './outbox.types';

/**
 * An outbox table in PostgreSQL (`schema.outbox`: id bigserial, topic, key, payload jsonb,
 * headers jsonb, created_at). A claim is one transaction: `SELECT … FOR UPDATE SKIP LOCKED`
 * of the oldest rows, the caller's publish, `DELETE` of the published ids, COMMIT. The row
 * locks make two relays (two processes of one service) never hold, so never publish, the same
 * row at once; a relay that dies mid-claim leaves its rows to the next claim (at-least-once).
 * Rows of a key whose earlier row another relay holds are skipped, so a key's events go out
 * in the order they were written. Safe for concurrent use.
 */
export class PgOutboxStore implements OutboxStore {
  private readonly claimSql: string;
  private readonly deleteSql: string;

  /** `table`: schema-qualified, from `outboxTable(schema)`. */
  constructor(
    private readonly db: DataSource,
    readonly name: string,
  ) {
    // `claimed` holds the lowest ids nobody else holds. A claimed row is handed out only when
    // every earlier row of its key is claimed too; an earlier one left out is held by another
    // relay (or was deleted by it after this statement's snapshot): the row waits for a later claim.
    this.claimSql = `
      WITH claimed AS MATERIALIZED (
        SELECT id, topic, key, payload, headers FROM ${name} ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
      )
      SELECT c.id::text AS id, c.topic, c.key, c.payload, c.headers, NOT EXISTS (
               SELECT 1 FROM ${name} e WHERE e.key = c.key AND e.id < c.id AND e.id NOT IN (SELECT id FROM claimed)
             ) AS ready
        FROM claimed c ORDER BY c.id`;
    this.deleteSql = `DELETE FROM ${name} WHERE id = ANY($1::bigint[])`;
  }

  async claim(limit: number, publish: (rows: OutboxRow[]) => Promise<string[]>): Promise<{ claimed: number; done: number }> {
    const runner = this.db.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      try {
        const rows: Array<OutboxRow & { ready: boolean }> = await runner.query(this.claimSql, [limit]);
        const ready = rows.filter((r) => r.ready).map(({ ready: _ready, ...row }) => row);
        const done = ready.length > 0 ? await publish(ready) : [];
        if (done.length > 0) await runner.query(this.deleteSql, [done]);
        await runner.commitTransaction();
        return { claimed: rows.length, done: done.length };
      } catch (err) {
        await runner.rollbackTransaction().catch(() => undefined);
        throw err;
      }
    } finally {
      await runner.release();
    }
  }
}
