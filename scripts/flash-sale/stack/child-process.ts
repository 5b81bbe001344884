import { ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (where package.json and node_modules are). */
export const REPO_ROOT = resolve(__dirname, '../../..');
/** Lines of a child's output kept to explain a failure. */
const OUTPUT_LINES_KEPT = 60;
/** After SIGTERM, a child gets this long to exit before SIGKILL. */
const STOP_GRACE_MS = 15_000;
/** Preloaded into every child: it stops itself when the simulation that started it is gone. */
const EXIT_WITH_PARENT = join(__dirname, 'exit-with-parent.js');
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ChildSpec {
  /** Role name shown in logs and the report (`order-service`, `broker`, …). */
  role: string;
  /** TypeScript entry point relative to the repository root, run with @swc-node/register. */
  entry: string;
  args?: string[];
  env: Record<string, string>;
  /** Scheduling niceness (0 normal, 19 lowest). */
  nice: number;
  /** Write a V8 CPU profile of the process into this directory when it exits (node --cpu-prof). */
  cpuProfDir?: string;
}

/**
 * One OS process of the stack: a Node entry point started from the repository root with the
 * TypeScript loader, its environment, and a niceness. Keeps the tail of its output for error
 * messages, reads its CPU time from /proc, and stops with SIGTERM (SIGKILL after a grace
 * period). Not thread-safe; one owner.
 */
export class StackChild {
  private readonly tail: string[] = [];
  private partial = '';
  private readonly lineWaiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  readonly exited: Promise<number | null>;

  private constructor(
    readonly spec: ChildSpec,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((done) => child.once('exit', (code, signal) => done(signal ? null : code)));
    const onData = (d: Buffer) => this.onOutput(d.toString('utf8'));
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  }

  static start(spec: ChildSpec): StackChild {
    const profile = spec.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', spec.cpuProfDir, '--cpu-prof-name', `${spec.role}.${Date.now()}.cpuprofile`] : [];
    const preload = ['-r', EXIT_WITH_PARENT, '-r', '@swc-node/register'];
    const child = spawn(process.execPath, [...profile, ...preload, join(REPO_ROOT, spec.entry), ...(spec.args ?? [])], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = new StackChild(spec, child);
    child.once('error', (e) => started.onOutput(`[spawn failed] ${e.message}\n`));
    if (child.pid !== undefined && spec.nice !== 0) {
      try {
        setPriority(child.pid, spec.nice);
      } catch {
        // Not allowed to change priority here: run at the default one.
      }
    }
    return started;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the child printed (stdout and stderr interleaved). */
  output(): string {
    return [...this.tail, this.partial].join('\n').trim();
  }

  /** Resolves with the first output line matching `pattern`; rejects if the child exits first or after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const seen = this.tail.map((l) => l.match(pattern)).find((m) => m);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolveLine, reject) => {
      const timer = setTimeout(() => reject(this.failure(`did not print ${pattern} within ${timeoutMs / 1000} s`)), timeoutMs);
      const waiter = {
        pattern,
        resolve: (m: RegExpMatchArray) => {
          clearTimeout(timer);
          resolveLine(m);
        },
      };
      this.lineWaiters.push(waiter);
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(this.failure(`exited (code ${code ?? 'signal'}) before it was ready`));
      });
    });
  }

  /** An error naming the role and carrying the tail of its output. */
  failure(what: string): Error {
    return new Error(`${this.spec.role} ${what}. Its last output:\n${indent(this.output())}`);
  }

  /** CPU seconds (user + system) used so far, from /proc/<pid>/stat; 0 once it has exited. */
  async cpuSeconds(): Promise<number> {
    return processCpuSeconds(this.pid);
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. */
  async stop(): Promise<void> {
    if (!this.running) return;
    const kill = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(kill);
  }

  private onOutput(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      this.tail.push(line);
      if (this.tail.length > OUTPUT_LINES_KEPT) this.tail.shift();
      for (let i = this.lineWaiters.length - 1; i >= 0; i--) {
        const m = line.match(this.lineWaiters[i].pattern);
        if (m) this.lineWaiters.splice(i, 1)[0].resolve(m);
      }
    }
  }
}

/** CPU seconds (user + system) of a live process from /proc/<pid>/stat; 0 when it is gone. */
export async function processCpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
