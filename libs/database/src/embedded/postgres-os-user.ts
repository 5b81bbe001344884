import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './embedded-postgres.errors';
import type { OsUser } from './os-user.access';

const execFileAsync = promisify(execFile);

/** PostgreSQL refuses to run as root; as root the embedded server runs as this system user. */
export const POSTGRES_OS_USER = 'postgres';

/** The uid and primary gid of `name`, or null when no such user exists. */
export async function lookUpOsUser(name: string): Promise<OsUser | null> {
  try {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', name]), execFileAsync('id', ['-g', name])]);
    return { name, uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return null;
  }
}

async function run(command: string, args: string[]): Promise<void> {
  try {
    await execFileAsync(command, args);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new EmbeddedPostgresError(
      `PostgreSQL cannot run as root and there is no '${POSTGRES_OS_USER}' user to run it as; creating one failed ` +
        `(${command} ${args.join(' ')}: ${detail}). Create it yourself (useradd --system ${POSTGRES_OS_USER}) ` +
        'or set DATABASE_URL to use a PostgreSQL server you run.',
      { cause: e },
    );
  }
}

/**
 * The `postgres` system user the server runs as when this process is root; created (with a
 * `postgres` group, no home directory) when missing. Needs root. Not safe to call concurrently
 * from two processes on a machine without that user (both may try to create it).
 */
export async function ensurePostgresOsUser(): Promise<OsUser> {
  const existing = await lookUpOsUser(POSTGRES_OS_USER);
  if (existing) return existing;
  const group = await execFileAsync('getent', ['group', POSTGRES_OS_USER]).then(
    () => true,
    () => false,
  );
  if (!group) await run('groupadd', ['--system', POSTGRES_OS_USER]);
  await run('useradd', ['--system', '--gid', POSTGRES_OS_USER, '--no-create-home', POSTGRES_OS_USER]);
  const created = await lookUpOsUser(POSTGRES_OS_USER);
  if (!created) throw new EmbeddedPostgresError(`created the '${POSTGRES_OS_USER}' user, but id cannot find it`);
  return created;
}
