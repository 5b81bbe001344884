import type { DataSource } from 'typeorm';
import type { OutboxRow, OutboxStore } from './outbox.types';

/** The part of a node-postgres pooled client the store uses. */
interface PgClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] } | Array<{ rows: unknown[] }>>;
  release(destroy?: boolean | Error): void;
}

/** The part of a node-postgres pool the store uses (TypeORM's PostgresDriver keeps it as `master`). */
interface PgPool {
  connect(): Promise<PgClient>;
}

const BIGINT_TEXT = /^\d{1,19}$/;

/**
 * An outbox table in PostgreSQL (`schema.outbox`: id bigserial, topic, key, payload jsonb,
 * headers jsonb, created_at). A claim is one transaction: `SELECT … FOR UPDATE SKIP LOCKED`
 * of the oldest rows, the caller's publish, `DELETE` of the published ids, COMMIT. The row
 * locks make two relays (two processes of one service) never hold, so never publish, the same
 * row at once; a relay that dies mid-claim leaves its rows to the next claim (at-least-once).
 * Rows of a key whose earlier row another relay holds are skipped, so a key's events go out
 * in the order they were written.
 *
 * Cost: two round trips per claim (`BEGIN` travels with the SELECT, `COMMIT` with the DELETE,
 * as multi-statement simple queries; the limit and ids are integers checked before they are
 * put into the text), on a client of the DataSource's own pool, and no WAL flush: the claim
 * commits with `synchronous_commit` off, as a delete lost in a crash only publishes its rows
 * again (at-least-once), while the flush would compete with the broker's fsyncs for the disk.
 * Safe for concurrent use.
 */
export class PgOutboxStore implements OutboxStore {
  private readonly pool: PgPool;

  /** `name`: the schema-qualified table, from `outboxTable(schema)`. */
  constructor(
    db: DataSource,
    readonly name: string,
  ) {
    const pool = (db.driver as unknown as { master?: PgPool }).master;
    if (!pool || typeof pool.connect !== 'function') throw new Error(`the outbox store needs a PostgreSQL DataSource (${name})`);
    this.pool = pool;
  }

  async claim(limit: number, publish: (rows: OutboxRow[]) => Promise<string[]>): Promise<{ claimed: number; done: number }> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`claim limit must be a positive integer, got ${limit}`);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      // `claimed`: the lowest ids nobody else holds. `held`: the rows below the highest claimed id
      // that this claim could not lock (another relay holds them; usually none, and the range was
      // just scanned). A claimed row is ready unless an earlier row of its key is held: then it
      // waits, so a key's events go out in order.
      const results = await client.query(`BEGIN; SET LOCAL synchronous_commit TO OFF;
        WITH claimed AS MATERIALIZED (
          SELECT id, topic, key, payload, headers FROM ${this.name} ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED
        ), held AS MATERIALIZED (
          SELECT e.id, e.key FROM ${this.name} e
           WHERE e.id < (SELECT max(id) FROM claimed) AND e.id NOT IN (SELECT id FROM claimed)
        )
        SELECT c.id::text AS id, c.topic, c.key, c.payload, c.headers,
               NOT EXISTS (SELECT 1 FROM held h WHERE h.key = c.key AND h.id < c.id) AS ready
          FROM claimed c ORDER BY c.id`);
      const rows = (Array.isArray(results) ? results[results.length - 1].rows : results.rows) as Array<OutboxRow & { ready: boolean }>;
      const ready = rows.filter((r) => r.ready).map(({ ready: _ready, ...row }) => row);
      const done = ready.length > 0 ? await publish(ready) : [];
      const ids = done.filter((id) => BIGINT_TEXT.test(id));
      await client.query(ids.length > 0 ? `DELETE FROM ${this.name} WHERE id = ANY('{${ids.join(',')}}'::bigint[]); COMMIT` : 'COMMIT');
      return { claimed: rows.length, done: ids.length };
    } catch (err) {
      // The transaction is aborted or the connection gone: roll back, or drop the client if even that fails.
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    } finally {
      client.release(broken);
    }
  }
}
