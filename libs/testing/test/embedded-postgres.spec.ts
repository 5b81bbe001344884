import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@peak/testing';

/** The PostgreSQL the project's tests use (trust auth); override with TEST_DATABASE_ADMIN_URL. */
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  return (await query(ADMIN_URL, 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).length === 1;
}

function pgTempDirs(): string[] {
  return readdirSync(tmpdir()).filter((d) => d.startsWith('peak-embedded-pg-'));
}

describe('startEmbeddedPostgres', () => {
  it('with an admin URL: creates a fresh database on that server and drops it on stop()', async () => {
    const pg = await startEmbeddedPostgres({ adminUrl: ADMIN_URL, databasePrefix: 'peak_testing_spec' });
    const name = new URL(pg.url).pathname.slice(1);
    expect(pg.kind).toBe('server');
    expect(name).toMatch(/^peak_testing_spec_[0-9a-f]{12}$/);
    await query(pg.url, 'CREATE TABLE t (id int)');
    await query(pg.url, 'INSERT INTO t VALUES (1), (2)');
    expect(await query(pg.url, 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 2 }]);
    expect(await databaseExists(name)).toBe(true);

    await Promise.all([pg.stop(), pg.stop()]);
    expect(await databaseExists(name)).toBe(false);
  });

  it('uses DATABASE_URL as the admin URL when no option is given', async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = ADMIN_URL;
    try {
      const pg = await startEmbeddedPostgres();
      expect(pg.kind).toBe('server');
      expect(new URL(pg.url).host).toBe(new URL(ADMIN_URL).host);
      await pg.stop();
      expect(await databaseExists(new URL(pg.url).pathname.slice(1))).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  it('embedded: starts a real PostgreSQL on a free port in a temp dir, and stop() removes it', async () => {
    const before = pgTempDirs();
    const pg = await startEmbeddedPostgres({ embedded: true });
    let stopped = false;
    try {
      expect(pg.kind).toBe('embedded');
      expect(new URL(pg.url).port).not.toBe('5432');
      const [{ version }] = await query<{ version: string }>(pg.url, 'SELECT version()');
      expect(version).toMatch(/^PostgreSQL \d+/);
      await query(pg.url, 'CREATE TABLE kept (v text)');
      const created = pgTempDirs().filter((d) => !before.includes(d));
      expect(created).toHaveLength(1);

      await pg.stop();
      stopped = true;
      expect(existsSync(`${tmpdir()}/${created[0]}`)).toBe(false);
      await expect(query(pg.url, 'SELECT 1')).rejects.toThrow();
    } finally {
      if (!stopped) await pg.stop();
    }
  }, 90_000);

  it('embedded: goDown() is a real outage (connections refused, data kept) and comeBack() serves the same data on the same URL', async () => {
    const pg = await startEmbeddedPostgres({ embedded: true });
    try {
      await query(pg.url, 'CREATE TABLE kept (v text)');
      await query(pg.url, "INSERT INTO kept VALUES ('before the outage')");
      await pg.goDown();
      await expect(query(pg.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
      await pg.comeBack();
      expect(await query<{ v: string }>(pg.url, 'SELECT v FROM kept')).toEqual([{ v: 'before the outage' }]);
    } finally {
      await pg.stop();
    }
  }, 90_000);

  it('a database on a server the test does not own cannot be taken down', async () => {
    const pg = await startEmbeddedPostgres({ adminUrl: ADMIN_URL });
    try {
      await expect(pg.goDown()).rejects.toThrow(/need an embedded PostgreSQL/);
    } finally {
      await pg.stop();
    }
  });
});
