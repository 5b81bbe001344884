import { ChildProcess, spawn } from 'node:child_process';
import { EmbeddedPostgresError } from './embedded-postgres.errors';
import { describeBlockedPath, findBlockedPath, OsUser } from './os-user.access';

/** Locale of the programs' messages: the launcher reads them (ready line, errors) in English. */
export const MESSAGES_LOCALE = 'C';

/** "user postgres (uid 101)" or "this user". */
export function describeRunner(runAs: OsUser | null): string {
  return runAs ? `user ${runAs.name} (uid ${runAs.uid})` : 'this user';
}

/**
 * The error for a program that could not be started. When the server's user is blocked on the
 * way to the program, the message names that user, the blocking directory and the fix.
 */
export function spawnFailure(program: string, runAs: OsUser | null, error: unknown): EmbeddedPostgresError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  if (runAs && (code === 'EACCES' || code === 'ENOENT')) {
    let blocked = null;
    try {
      blocked = findBlockedPath(program, runAs, ['execute']);
    } catch {
      // The program is missing altogether: the generic message below says so.
    }
    if (blocked) {
      return new EmbeddedPostgresError(
        `PostgreSQL runs as ${describeRunner(runAs)}, who cannot reach ${program}: ${describeBlockedPath(blocked)} (${detail}). ` +
          'Keep the PostgreSQL binaries and data in directories that user can enter, or set DATABASE_URL to use a PostgreSQL server you run.',
        { cause: error },
      );
    }
  }
  return new EmbeddedPostgresError(`could not start ${program} as ${describeRunner(runAs)}: ${detail}`, { cause: error });
}

/**
 * Starts one PostgreSQL program (initdb, postgres) as `runAs` (null: as this process), with
 * English messages and stdout/stderr piped. Never throws for a program that cannot be started
 * and never leaves its 'error' event unhandled: the caller must listen for 'error' at once
 * (in the same tick) and turn it into spawnFailure(); a synchronous failure is thrown as one.
 */
export function spawnPostgresProgram(program: string, args: readonly string[], runAs: OsUser | null): ChildProcess {
  try {
    return spawn(program, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_MESSAGES: MESSAGES_LOCALE },
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
  } catch (e) {
    throw spawnFailure(program, runAs, e);
  }
}
