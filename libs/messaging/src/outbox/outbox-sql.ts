import type { OutboxEntry } from './outbox.types';

/** A schema-qualified outbox table name: `schema.outbox`, checked so it can be put into SQL text. */
export function outboxTable(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a plain schema name: ${schema}`);
  return `${schema}.outbox`;
}

/**
 * The jsonb parameter of `outboxInsertSql`: the entries as rows, in order.
 * Pure; the caller passes it as a query parameter.
 */
export function outboxRowsParam(entries: readonly OutboxEntry[]): string {
  return JSON.stringify(entries.map((e) => ({ topic: e.topic, key: e.key, payload: e.event, headers: e.headers ?? {} })));
}

/**
 * An INSERT of the rows in the jsonb parameter `param` (from `outboxRowsParam`) into `table`,
 * ids in the parameter's order (so per-key order is kept). Usable as a statement of its own
 * or as a data-modifying CTE beside the statement whose effect causes the events, so they
 * commit together at no extra round trip.
 */
export function outboxInsertSql(table: string, param: string): string {
  return `INSERT INTO ${table} (topic, key, payload, headers)
          SELECT x.e->>'topic', x.e->>'key', x.e->'payload', coalesce(x.e->'headers', '{}'::jsonb)
            FROM jsonb_array_elements(${param}::jsonb) WITH ORDINALITY AS x(e, n)
           ORDER BY x.n`;
}
