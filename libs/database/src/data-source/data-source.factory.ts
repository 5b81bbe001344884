import { Logger } from '@nestjs/common';
import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { DEFAULT_DATABASE_TIMEOUTS, DatabaseTimeouts } from '../config/database.config';
import { GuardedPgClient } from './guarded-pg-client';

/** What one service declares about its own tables. */
export interface ServiceDatabaseOptions {
  /** DataSource name (also the Nest injection name) and migrations table prefix, e.g. `orders`. */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Pool size for this service; defaults to DB_POOL_SIZE. */
  poolSize?: number;
}

/** TCP keep-alive probes on pooled connections start after this much silence. */
const KEEP_ALIVE_INITIAL_DELAY_MS = 10_000;

/**
 * DataSource options for one service: migrations run at start-up inside one transaction
 * each, never `synchronize`; each service has its own migrations table.
 *
 * Every connection of the pool has a connect timeout, a `statement_timeout` and an
 * `idle_in_transaction_session_timeout` (`timeouts`, 0 = none), and TCP keep-alive, so a
 * database that stops answering fails queries (a transient error the consumers retry)
 * instead of hanging them. The pool's `error` event (an idle connection dropped: server
 * restarted, connection terminated) is logged, never left unhandled, and every client always
 * listens for errors (GuardedPgClient): a dropped connection does not crash the process, the
 * pool opens a new one on next use.
 */
export function buildDataSourceOptions(
  url: string,
  service: ServiceDatabaseOptions,
  poolSize: number,
  timeouts: DatabaseTimeouts = DEFAULT_DATABASE_TIMEOUTS,
): DataSourceOptions {
  const log = new Logger(`database:${service.name}`);
  return {
    type: 'postgres',
    url,
    entities: service.entities,
    migrations: service.migrations,
    migrationsTableName: `${service.name}_migrations`,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    connectTimeoutMS: timeouts.connectTimeoutMs,
    poolErrorHandler: (err: unknown) => log.warn(`idle connection lost (the pool opens a new one on next use): ${describe(err)}`),
    extra: {
      Client: GuardedPgClient,
      max: service.poolSize ?? poolSize,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEP_ALIVE_INITIAL_DELAY_MS,
      ...(timeouts.statementTimeoutMs > 0 ? { statement_timeout: timeouts.statementTimeoutMs } : {}),
      ...(timeouts.idleInTransactionTimeoutMs > 0 ? { idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs } : {}),
    },
  };
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `${code} ${err.message}` : err.message;
}
