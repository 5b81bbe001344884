import { ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import { connect } from 'node:net';

/** A child still running this long after SIGTERM is killed (and reported), so the bench always ends. */
const STOP_GRACE_MS = 15_000;

/** Extra settings of a forked child. */
export interface ChildOptions {
  /** Command-line arguments of the script. */
  args?: string[];
  /** Node options before the script (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

/**
 * Forks a TypeScript entry point. With `waitForMessage` it resolves once the child sends its
 * first IPC message ("ready"); otherwise at once (wait for the child's own signal, e.g. HTTP).
 */
export function startChild(root: string, script: string, env: Record<string, string>, waitForMessage = true, options: ChildOptions = {}): Promise<ChildProcess> {
  const child = fork(script, options.args ?? [], {
    cwd: root,
    execArgv: ['-r', '@swc-node/register', ...(options.nodeArgs ?? [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  if (!waitForMessage) return Promise.resolve(child);
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) => reject(new Error(`${script} exited (${signal ?? code}) before it was ready`));
    child.once('exit', onExit);
    child.once('message', () => {
      child.off('exit', onExit);
      resolve(child);
    });
  });
}

/** True once the child has exited, by itself or by a signal. */
function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after STOP_GRACE_MS; resolves when the child is gone (at once if it already is). */
export function stopChild(child: ChildProcess, log: (msg: string) => void): Promise<void> {
  if (exited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => {
      log(`warning: pid ${child.pid} did not exit ${STOP_GRACE_MS} ms after SIGTERM; sending SIGKILL`);
      child.kill('SIGKILL');
    }, STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Polls `url` until it answers 2xx, or throws at the deadline. */
export async function waitHttp(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Tries to connect to host:port until it accepts, or throws at the deadline. */
export async function waitTcp(host: string, port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${host}:${port} did not accept connections within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** CPU seconds (user + system, all threads) a process has used so far; null where /proc is missing. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}
