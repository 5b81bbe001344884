import * as fs from 'node:fs';
import * as path from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres.errors';
import type { OsUser } from './os-user.access';
import { postgresProgram, PostgresInstall } from './postgres-install.locator';
import { MESSAGES_LOCALE, spawnFailure, spawnPostgresProgram } from './postgres-program.spawn';
import { ProcessOutputTail } from './process-output.tail';

/** initdb normally takes a few seconds; this long means something is wrong. */
export const INITDB_TIMEOUT_MS = 180_000;
/** How the superuser logs in over TCP (the launcher hands out a URL with the password). */
const AUTH_METHOD = 'password';

export interface InitdbOptions {
  install: PostgresInstall;
  dataDir: string;
  /** Who runs it (root: the postgres user; null: this process's user). */
  runAs: OsUser | null;
  superuser: string;
  password: string;
  timeoutMs?: number;
}

/** Writes the password where initdb (running as `runAs`) can read it and nobody else can. */
function writePasswordFile(dataDir: string, password: string, runAs: OsUser | null): { file: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(path.dirname(dataDir), '.initdb-'));
  const file = path.join(dir, 'pwfile');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    fs.chownSync(dir, runAs.uid, runAs.gid);
    fs.chownSync(file, runAs.uid, runAs.gid);
  }
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Creates a PostgreSQL cluster in `dataDir` (which must be absent or empty, and reachable by
 * `runAs`) with `superuser`/`password` and password authentication. Resolves when initdb
 * succeeded; rejects with an EmbeddedPostgresError carrying initdb's last output otherwise,
 * including when it cannot be started or runs past the timeout (it is then killed).
 */
export async function runInitdb(o: InitdbOptions): Promise<void> {
  const program = postgresProgram(o.install, 'initdb');
  const pw = writePasswordFile(o.dataDir, o.password, o.runAs);
  try {
    const args = [`--pgdata=${o.dataDir}`, `--auth=${AUTH_METHOD}`, `--username=${o.superuser}`, `--pwfile=${pw.file}`, `--lc-messages=${MESSAGES_LOCALE}`];
    const child = spawnPostgresProgram(program, args, o.runAs);
    const output = new ProcessOutputTail();
    output.follow(child.stdout);
    output.follow(child.stderr);
    await new Promise<void>((resolve, reject) => {
      const timeoutMs = o.timeoutMs ?? INITDB_TIMEOUT_MS;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new EmbeddedPostgresError(`initdb did not finish within ${timeoutMs} ms in ${o.dataDir}; its last output:\n${output.text()}`));
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(spawnFailure(program, o.runAs, e));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new EmbeddedPostgresError(`initdb could not create a PostgreSQL cluster in ${o.dataDir} (exit ${code ?? signal}); its last output:\n${output.text()}`));
      });
    });
  } finally {
    pw.remove();
  }
}
