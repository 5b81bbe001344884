import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { acquireEmbeddedPostgres, releaseEmbeddedPostgres } from '@peak/database';
import { makeTempDir, removeTempDir } from './temp-dirs';

/** A fresh database for one run; drop() removes it. */
export interface RunDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * The PostgreSQL the simulation runs on: the server of `adminUrl` (DATABASE_URL) when given,
 * otherwise an embedded PostgreSQL started on first use in a temporary data dir on a free
 * port (removed by close()). Every run gets its own fresh database on it. Not thread-safe:
 * call from one flow at a time.
 */
export class RunDatabaseServer {
  private embedded: { dataDir: string; root: string } | null = null;
  private adminUrl: string | null;

  /**
   * `niceness`: scheduling niceness given to an embedded server (its postmaster and every
   * process it has or will fork); a server of DATABASE_URL is left alone.
   */
  constructor(
    adminUrl: string | undefined,
    private readonly log: (line: string) => void,
    private readonly niceness = 0,
  ) {
    this.adminUrl = adminUrl ?? null;
  }

  /** Creates a fresh database (starting the embedded server first if needed). */
  async create(label: string): Promise<RunDatabase> {
    const admin = await this.admin();
    const name = `flash_sale_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
    await withClient(admin, (c) => c.query(`CREATE DATABASE ${name}`));
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      name,
      drop: () => withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
    };
  }

  /** Stops the embedded server (if one was started) and removes its data. */
  async close(): Promise<void> {
    if (!this.embedded) return;
    const { dataDir, root } = this.embedded;
    this.embedded = null;
    this.adminUrl = null;
    await releaseEmbeddedPostgres(dataDir);
    removeTempDir(root);
  }

  private async admin(): Promise<string> {
    if (this.adminUrl) return this.adminUrl;
    const root = makeTempDir('flash-sale-pg-');
    const dataDir = join(root, 'data');
    const port = await freePort();
    this.log(`DATABASE_URL is unset: starting an embedded PostgreSQL on 127.0.0.1:${port} (data in ${dataDir})`);
    this.embedded = { dataDir, root };
    this.adminUrl = await acquireEmbeddedPostgres(dataDir, port);
    if (this.niceness > 0) {
      const reniced = reniceServer(dataDir, this.niceness);
      if (reniced > 0) this.log(`embedded PostgreSQL runs at nice ${this.niceness} (${reniced} processes): in broker mode only the downstream uses it`);
    }
    return this.adminUrl;
  }
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Gives the PostgreSQL server of `dataDir` (its postmaster, read from postmaster.pid, and its
 * children; backends forked later inherit it) the niceness `nice`. Returns how many processes
 * were changed; 0 when not allowed or not found.
 */
function reniceServer(dataDir: string, nice: number): number {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return 0;
  }
  const pids = [postmaster];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  let changed = 0;
  for (const pid of pids) {
    try {
      setPriority(pid, nice);
      changed++;
    } catch {
      // not ours to change (another user without the privilege): leave it
    }
  }
  return changed;
}
