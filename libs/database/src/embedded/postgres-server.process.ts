import type { ChildProcess } from 'node:child_process';
import { EmbeddedPostgresError } from './embedded-postgres.errors';
import type { OsUser } from './os-user.access';
import { postgresProgram, PostgresInstall } from './postgres-install.locator';
import { describeRunner, MESSAGES_LOCALE, spawnFailure, spawnPostgresProgram } from './postgres-program.spawn';
import { ProcessOutputTail } from './process-output.tail';
import { StoppableServer, trackServer, untrackServer } from './shutdown.hooks';

/** Starting an existing cluster may replay WAL after a crash; longer than this means trouble. */
export const SERVER_START_TIMEOUT_MS = 180_000;
/** A fast shutdown (SIGINT) that takes longer than this is turned into an immediate one (SIGQUIT). */
export const SERVER_STOP_TIMEOUT_MS = 30_000;
/** The line the postmaster logs once it accepts connections (messages forced to English). */
const READY_LINE = 'database system is ready to accept connections';

export interface ServerOptions {
  install: PostgresInstall;
  /** An initialised cluster that `runAs` owns. */
  dataDir: string;
  port: number;
  /** Who runs it (root: the postgres user; null: this process's user). */
  runAs: OsUser | null;
  startTimeoutMs?: number;
}

/**
 * A running postmaster, a child of this process. stop() shuts it down (fast: open sessions are
 * ended) and resolves once it has exited; it is also stopped on process exit and on SIGINT or
 * SIGTERM (see shutdown.hooks). Its output is read continuously and its last lines are kept.
 */
export class PostgresServer implements StoppableServer {
  private readonly exited: Promise<void>;
  private stopping: Promise<void> | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly output: ProcessOutputTail,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => untrackServer(this));
  }

  /** Process id of the postmaster. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /**
   * Starts the postmaster on 127.0.0.1/localhost:`port` and resolves once it accepts
   * connections. Rejects with an EmbeddedPostgresError that names the cause (the program cannot
   * be started, it exited, e.g. port in use, with its last output; or the timeout passed) and
   * leaves no process behind.
   */
  static async start(o: ServerOptions): Promise<PostgresServer> {
    const program = postgresProgram(o.install, 'postgres');
    let ready: () => void = () => undefined;
    const output = new ProcessOutputTail((line) => {
      if (line.includes(READY_LINE)) ready();
    });
    const child = spawnPostgresProgram(program, ['-D', o.dataDir, '-p', String(o.port), '-c', `lc_messages=${MESSAGES_LOCALE}`], o.runAs);
    const server = new PostgresServer(child, output);
    trackServer(server);
    const timeoutMs = o.startTimeoutMs ?? SERVER_START_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        ready = resolve;
        child.on('error', (e) => reject(spawnFailure(program, o.runAs, e)));
        child.once('exit', (code, signal) =>
          reject(
            new EmbeddedPostgresError(
              `PostgreSQL (${program}, run as ${describeRunner(o.runAs)}, data ${o.dataDir}) exited (${code ?? signal}) ` +
                `before accepting connections on port ${o.port}; its last output:\n${output.text()}`,
            ),
          ),
        );
        timer = setTimeout(
          () => reject(new EmbeddedPostgresError(`PostgreSQL did not accept connections on port ${o.port} within ${timeoutMs} ms; its last output:\n${output.text()}`)),
          timeoutMs,
        );
        output.follow(child.stdout);
        output.follow(child.stderr);
      });
    } catch (e) {
      await server.stop();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return server;
  }

  /** Fast shutdown; resolves when the postmaster has exited. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  stopNow(): void {
    if (this.running()) this.child.kill('SIGINT');
  }

  private running(): boolean {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  private async shutDown(): Promise<void> {
    if (!this.running()) {
      untrackServer(this);
      return;
    }
    this.child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), SERVER_STOP_TIMEOUT_MS);
    });
    const outcome = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.child.kill('SIGQUIT');
      await this.exited;
    }
  }
}
