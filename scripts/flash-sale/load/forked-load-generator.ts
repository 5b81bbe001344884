import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { LatencyRecorder } from '../metrics/latency-recorder';
import type { LoadCounters, LoadPlan, LoadResult } from './load-generator';
import type { LoadProcessCommand, LoadProcessMessage } from './load-process';

/** How long the load process may take to exit by itself when told to. */
const EXIT_GRACE_MS = 5_000;

/** What the sampler and the summary read from a load run. */
export interface LoadSource {
  readonly counters: LoadCounters;
  /** Click → answer, ms. */
  readonly latency: LatencyRecorder;
  /** Request sent → answer, ms. */
  readonly service: LatencyRecorder;
  /** Pid of the process that generates the load (its CPU is not the services'). */
  readonly pid?: number;
}

/**
 * The load generator's OS process (load-process.ts), so the crowd competes with the services
 * only for the machine's cores, never for their event loops. Runs one plan at a time; reuse
 * it for the warm-up and the sale so that the crowd's code is warm too. Close it when done.
 */
export class LoadProcess {
  private child: ChildProcess | null = null;
  private starting: Promise<ChildProcess> | null = null;
  private busy = false;

  /** `cpuProfDir`: the process writes a V8 CPU profile there when it exits. */
  constructor(private readonly cpuProfDir?: string) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process (once) and resolves when it has loaded its code. */
  start(): Promise<ChildProcess> {
    this.starting ??= new Promise<ChildProcess>((resolve, reject) => {
      const profile = this.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', this.cpuProfDir, '--cpu-prof-name', `load-generator.${Date.now()}.cpuprofile`] : [];
      const child = fork(join(__dirname, 'load-process.ts'), [], {
        execArgv: [...profile, '-r', join(__dirname, '../stack/exit-with-parent.js'), '-r', '@swc-node/register'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        serialization: 'advanced',
      });
      this.child = child;
      const onExit = (code: number | null, signal: string | null): void =>
        reject(new Error(`load generator process exited (${signal ?? `code ${code}`}) while starting`));
      child.once('exit', onExit);
      child.once('error', reject);
      child.once('message', (m: LoadProcessMessage) => {
        child.off('exit', onExit);
        child.off('error', reject);
        if (m.type === 'ready') resolve(child);
        else reject(new Error(`load generator process said ${m.type} before it was ready`));
      });
    });
    return this.starting;
  }

  /** Runs one plan; `onProgress` sees every progress and the final message. One run at a time. */
  async run(plan: LoadPlan, onProgress: (m: Extract<LoadProcessMessage, { type: 'progress' | 'done' }>) => void): Promise<LoadResult> {
    if (this.busy) throw new Error('the load process runs one plan at a time');
    const child = await this.start();
    this.busy = true;
    try {
      return await new Promise<LoadResult>((resolve, reject) => {
        const onMessage = (m: LoadProcessMessage): void => {
          if (m.type === 'ready') return;
          if (m.type === 'error') {
            cleanup();
            reject(new Error(`load generator failed: ${m.message}`));
            return;
          }
          onProgress(m);
          if (m.type === 'done') {
            cleanup();
            resolve({ counters: m.counters, acceptedOrderIds: m.acceptedOrderIds });
          }
        };
        const onExit = (code: number | null, signal: string | null): void => {
          cleanup();
          reject(new Error(`load generator process exited (${signal ?? `code ${code}`}) before it finished`));
        };
        const cleanup = (): void => {
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        const command: LoadProcessCommand = { type: 'run', plan };
        child.send(command);
      });
    } finally {
      this.busy = false;
    }
  }

  /** Asks the process to exit (it writes its CPU profile, if asked); SIGTERM after a grace period. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    const exit: LoadProcessCommand = { type: 'exit' };
    if (child.connected) child.send(exit);
    const timer = setTimeout(() => child.kill('SIGTERM'), EXIT_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * One load run in a LoadProcess (its own, or a shared one), mirrored here: counters and
 * latencies at most PROGRESS_EVERY_MS behind. Single use: run() once.
 */
export class ForkedLoadGenerator implements LoadSource {
  readonly latency = new LatencyRecorder();
  readonly service = new LatencyRecorder();
  counters: LoadCounters = {
    sent: 0, dispatched: 0, answered: 0, accepted: 0, refused: 0, intakeErrors: 0, timeouts: 0, connectionErrors: 0, byStatus: {},
    startedAtMs: 0, lastSentAtMs: 0, lastAnsweredAtMs: 0,
  };
  private readonly owned: boolean;
  private readonly process: LoadProcess;

  constructor(private readonly plan: LoadPlan, process?: LoadProcess) {
    this.owned = process === undefined;
    this.process = process ?? new LoadProcess();
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Starts the load process if needed, so that run() starts the burst at once. */
  async prepare(): Promise<void> {
    await this.process.start();
  }

  async run(): Promise<LoadResult> {
    try {
      return await this.process.run(this.plan, (m) => {
        this.counters = m.counters;
        for (const v of m.latencies) this.latency.record(v);
        for (const v of m.serviceTimes) this.service.record(v);
      });
    } finally {
      if (this.owned) await this.process.close();
    }
  }
}
