/**
 * The pools the services get from buildDataSourceOptions, against the machine's PostgreSQL
 * (a fresh database per file; TEST_DATABASE_ADMIN_URL overrides the server).
 */
import { createServer, Server, Socket } from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { startEmbeddedPostgres, TestPostgres } from '@peak/testing';
import { DEFAULT_DATABASE_TIMEOUTS } from '../config/database.config';
import { buildDataSourceOptions } from './data-source.factory';
import { GuardedPgClient } from './guarded-pg-client';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const service = { name: 'spec', entities: [], migrations: [] };

describe(buildDataSourceOptions.name, () => {
  let db: TestPostgres;
  const open: DataSource[] = [];

  beforeAll(async () => {
    db = await startEmbeddedPostgres({ adminUrl: ADMIN_URL, databasePrefix: 'peak_datasource' });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((ds) => (ds.isInitialized ? ds.destroy() : undefined)));
  });
  afterAll(async () => {
    await db?.stop();
  });

  async function dataSource(timeouts = DEFAULT_DATABASE_TIMEOUTS, url = db.url, poolSize = 2): Promise<DataSource> {
    const ds = new DataSource(buildDataSourceOptions(url, service, poolSize, timeouts));
    open.push(ds);
    await ds.initialize();
    return ds;
  }

  it('sets statement_timeout and idle_in_transaction_session_timeout on every connection', async () => {
    const ds = await dataSource({ connectTimeoutMs: 2_000, statementTimeoutMs: 1_500, idleInTransactionTimeoutMs: 2_500 });
    const [a, b] = await Promise.all([
      ds.query(`SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS it, pg_sleep(0.05)`),
      ds.query(`SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS it, pg_sleep(0.05)`),
    ]);
    expect([a[0], b[0]].map(({ st, it }: { st: string; it: string }) => [st, it])).toEqual([['1500ms', '2500ms'], ['1500ms', '2500ms']]);
  });

  it('defaults: 30 s statement timeout, 60 s idle in transaction; 0 turns a timeout off', async () => {
    const ds = await dataSource();
    const [row] = await ds.query(`SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS it`);
    expect(row).toEqual({ st: '30s', it: '1min' });
    const off = await dataSource({ ...DEFAULT_DATABASE_TIMEOUTS, statementTimeoutMs: 0, idleInTransactionTimeoutMs: 0 });
    const [none] = await off.query(`SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS it`);
    expect(none).toEqual({ st: '0', it: '0' });
  });

  it('cancels a statement that runs past the timeout (57014) instead of waiting for it', async () => {
    const ds = await dataSource({ ...DEFAULT_DATABASE_TIMEOUTS, statementTimeoutMs: 200 });
    const started = Date.now();
    await expect(ds.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(ds.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });

  it('survives its idle connections being terminated: the error is handled and the next query gets a new connection', async () => {
    const ds = await dataSource();
    const [{ pid }] = await ds.query('SELECT pg_backend_pid() AS pid');
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
    // The pool's idle client gets 57P01 asynchronously; unhandled, that 'error' event would crash the process.
    const [{ pid: next }] = await waitForValue<Array<{ pid: number }>>(async () => {
      try {
        return (await ds.query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
      } catch {
        return undefined;
      }
    });
    expect(next).not.toBe(pid);
  });

  it('pools only clients that always listen for errors (a FATAL message arriving between checkout and the caller attaching its listener must not end the process)', () => {
    const options = buildDataSourceOptions(db.url, service, 2) as { extra?: { Client?: unknown } };
    expect(options.extra?.Client).toBe(GuardedPgClient);
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(() => new Client().emit('error', terminated)).toThrow('terminating connection');
    expect(() => new GuardedPgClient().emit('error', terminated)).not.toThrow();
  });

  it('gives up connecting after the connect timeout when the server accepts but never answers', async () => {
    const { server, port, sockets } = await silentServer();
    try {
      const started = Date.now();
      await expect(dataSource({ ...DEFAULT_DATABASE_TIMEOUTS, connectTimeoutMs: 300 }, `postgres://postgres@127.0.0.1:${port}/none`)).rejects.toThrow(/timeout/i);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});

async function waitForValue<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A TCP server that accepts connections and never says a word (a hung database host). */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, sockets };
}
