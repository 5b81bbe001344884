import { Logger } from '@nestjs/common';
import { Client, ClientConfig } from 'pg';

const log = new Logger('database');

/**
 * A node-postgres Client that always listens for `error`, so a connection error can never be
 * an unhandled 'error' event (which ends the process).
 *
 * Why: pg-pool removes its idle listener when it hands a client out, and TypeORM adds its own
 * only a few microtasks later. A server that terminates a connection right after it was
 * established (pg_terminate_backend, a restart) can send its FATAL message in the same TCP read
 * as ReadyForQuery; node-postgres parses both synchronously and emits the error in that gap,
 * with nobody listening. Seen in test/e2e/database-outage.e2e-spec.ts.
 *
 * The listener only logs when it is the only one; the pool's and TypeORM's handling is
 * unchanged (the client is not queryable any more, its next query fails with a transient
 * error and the pool discards it on release).
 */
export class GuardedPgClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', (err: Error & { code?: string }) => {
      if (this.listenerCount('error') > 1) return;
      log.warn(`connection lost while no query was using it (discarded on release): ${err.code ? `${err.code} ` : ''}${err.message}`);
    });
  }
}
