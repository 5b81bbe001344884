import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { acquireEmbeddedPostgres, releaseEmbeddedPostgres } from '../src/embedded/embedded-postgres.launcher';
import { OsUser } from '../src/embedded/os-user.access';
import { runInitdb } from '../src/embedded/postgres-initdb.process';
import { locatePostgresInstall, PostgresInstall } from '../src/embedded/postgres-install.locator';
import { STAGED_INSTALL_PREFIX } from '../src/embedded/postgres-install.stager';
import { ensurePostgresOsUser } from '../src/embedded/postgres-os-user';
import { PostgresServer } from '../src/embedded/postgres-server.process';

/**
 * The situation of a project cloned into /root or a `mktemp -d` folder and run as root: the
 * server runs as the `postgres` user, who cannot enter the folder holding the binaries or the
 * data. Here the binaries are a copy of node_modules' in a fresh 0700 dir, the data dir sits in
 * another, and copies are staged under a temp dir standing in for /tmp.
 */
const PRIVATE_MODE = 0o700;
const SHARED_MODE = 0o755;
const START_TIMEOUT_MS = 120_000;

let postgresUser: OsUser;
let lockedBinaries: string;
let install: PostgresInstall;
const cleanup: string[] = [];

function tempDir(prefix: string, mode: number): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, mode);
  cleanup.push(dir);
  return dir;
}

/** What the kernel says: can `user` execute `file`? */
function canExecute(user: OsUser, file: string): boolean {
  return spawnSync('test', ['-x', file], { uid: user.uid, gid: user.gid }).status === 0;
}

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

async function scalar<T>(url: string, sql: string): Promise<T> {
  const [row] = await query(url, sql);
  return Object.values(row)[0] as T;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function postmasterPid(dataDir: string): number {
  return Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0], 10);
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) {
    throw new Error(`these tests start PostgreSQL as root, as CI and a root user do; run them as root (uid is ${process.getuid?.()})`);
  }
  postgresUser = await ensurePostgresOsUser();
  const real = locatePostgresInstall();
  lockedBinaries = tempDir('peak-locked-binaries-', PRIVATE_MODE);
  install = { dir: join(lockedBinaries, 'native'), version: real.version };
  cpSync(real.dir, install.dir, { recursive: true, verbatimSymlinks: true });
});

afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe('embedded PostgreSQL as root, from folders the postgres user cannot enter', () => {
  it('runs as root and the postgres user really cannot reach the binaries', () => {
    expect(process.getuid?.()).toBe(0);
    expect(canExecute(postgresUser, join(install.dir, 'bin', 'initdb'))).toBe(false);
  });

  it('starts from a staged copy of the binaries, serves queries as user postgres, and stops', async () => {
    const stagingRoot = tempDir('peak-staging-', SHARED_MODE);
    const lockedData = tempDir('peak-locked-data-', PRIVATE_MODE);
    const dataDir = join(lockedData, 'data');
    const port = await freePort();

    const url = await acquireEmbeddedPostgres(dataDir, port, { install, stagingRoot });
    let released = false;
    try {
      expect(await scalar<number>(url, 'SELECT 6 * 7 AS n')).toBe(42);
      expect(await scalar<string>(url, 'SELECT current_user')).toBe('postgres');
      const pid = postmasterPid(dataDir);
      const staged = readdirSync(stagingRoot);
      expect(staged).toEqual([expect.stringMatching(new RegExp(`^${STAGED_INSTALL_PREFIX}${install.version.replace(/\./g, '\\.')}-[0-9a-f]{12}$`))]);
      expect(readlinkSync(`/proc/${pid}/exe`)).toBe(join(stagingRoot, staged[0], 'bin', 'postgres'));
      expect(statSync(`/proc/${pid}`).uid).toBe(postgresUser.uid);
      expect(canExecute(postgresUser, join(stagingRoot, staged[0], 'bin', 'initdb'))).toBe(true);
      // The binaries' folder stays private; the data dir's folder only gained o+x (pass through, not list).
      expect(statSync(lockedBinaries).mode & 0o777).toBe(PRIVATE_MODE);
      expect(statSync(lockedData).mode & 0o777).toBe(PRIVATE_MODE | 0o001);
      expect(statSync(dataDir).uid).toBe(postgresUser.uid);

      await releaseEmbeddedPostgres(dataDir);
      released = true;
      expect(existsSync(`/proc/${pid}`)).toBe(false);
      await expect(scalar(url, 'SELECT 1')).rejects.toThrow();
    } finally {
      if (!released) await releaseEmbeddedPostgres(dataDir);
    }
  }, START_TIMEOUT_MS);

  it('replaces a damaged staged copy instead of running it, and keeps the data of a restarted cluster', async () => {
    const stagingRoot = tempDir('peak-staging-', SHARED_MODE);
    const dataDir = join(tempDir('peak-locked-data-', PRIVATE_MODE), 'data');
    const port = await freePort();
    const first = await acquireEmbeddedPostgres(dataDir, port, { install, stagingRoot });
    try {
      await query(first, 'CREATE TABLE kept AS SELECT 1 AS v');
    } finally {
      await releaseEmbeddedPostgres(dataDir);
    }

    const [stage] = readdirSync(stagingRoot);
    rmSync(join(stagingRoot, stage, 'bin', 'postgres'));
    const second = await acquireEmbeddedPostgres(dataDir, port, { install, stagingRoot });
    try {
      expect(await scalar<number>(second, 'SELECT count(*)::int FROM kept')).toBe(1);
      expect(readdirSync(stagingRoot)).toEqual([stage]);
      expect(existsSync(join(stagingRoot, stage, 'bin', 'postgres'))).toBe(true);
    } finally {
      await releaseEmbeddedPostgres(dataDir);
    }
  }, START_TIMEOUT_MS);

  it('fails with a message naming the user, the blocking folder and the fix when no copy can be reached either', async () => {
    const privateStaging = tempDir('peak-staging-', PRIVATE_MODE);
    const dataDir = join(tempDir('peak-data-', SHARED_MODE), 'data');
    await expect(acquireEmbeddedPostgres(dataDir, 1, { install, stagingRoot: privateStaging })).rejects.toThrow(
      new RegExp(`PostgreSQL runs as user postgres \\(uid ${postgresUser.uid}\\), who cannot reach ${install.dir}: ${lockedBinaries} is mode 0700 .*denies that user search permission.*Set TMPDIR`),
    );
  });

  it('initdb that the postgres user cannot run rejects with that cause (no unhandled spawn error)', async () => {
    const dataDir = join(tempDir('peak-data-', SHARED_MODE), 'data');
    mkdirSync(dataDir);
    await expect(runInitdb({ install, dataDir, runAs: postgresUser, superuser: 'postgres', password: 'pw' })).rejects.toThrow(
      new RegExp(`PostgreSQL runs as user postgres \\(uid \\d+\\), who cannot reach ${join(install.dir, 'bin', 'initdb')}: ${lockedBinaries} is mode 0700 .*denies that user search permission.*EACCES`),
    );
  });

  it('a postgres that the postgres user cannot run rejects with that cause (no unhandled spawn error)', async () => {
    const dataDir = join(tempDir('peak-data-', SHARED_MODE), 'data');
    await expect(PostgresServer.start({ install, dataDir, port: 1, runAs: postgresUser })).rejects.toThrow(/who cannot reach .*bin\/postgres: .*EACCES/);
  });
});

describe('embedded PostgreSQL errors', () => {
  it('a server that exits before accepting connections is reported with its own output', async () => {
    const stagingRoot = tempDir('peak-staging-', SHARED_MODE);
    const dataDir = join(tempDir('peak-data-', SHARED_MODE), 'data');
    const port = await freePort();
    await acquireEmbeddedPostgres(dataDir, port, { install, stagingRoot });
    try {
      // The installation the launcher runs (the staged copy): the running postmaster's own binary.
      const running = { dir: dirname(dirname(readlinkSync(`/proc/${postmasterPid(dataDir)}/exe`))), version: install.version };
      // A second postmaster on the same data dir refuses to start: the first one holds its lock.
      await expect(PostgresServer.start({ install: running, dataDir, port, runAs: postgresUser })).rejects.toThrow(
        /exited \(1\) before accepting connections on port \d+; its last output:\n[\s\S]*postmaster\.pid/,
      );
    } finally {
      await releaseEmbeddedPostgres(dataDir);
    }
  }, START_TIMEOUT_MS);

  it('an existing data dir owned by another user is refused with the fix', async () => {
    const stagingRoot = tempDir('peak-staging-', SHARED_MODE);
    const dataDir = join(tempDir('peak-data-', SHARED_MODE), 'data');
    mkdirSync(dataDir, { mode: PRIVATE_MODE });
    writeFileSync(join(dataDir, 'PG_VERSION'), '18\n');
    await expect(acquireEmbeddedPostgres(dataDir, 1, { install, stagingRoot })).rejects.toThrow(/belongs to uid 0, but PostgreSQL runs as user postgres .*chown -R postgres:/);
  });
});
