import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { LatencyRecorder } from '../metrics/latency-recorder';
import type { LoadCounters, LoadPlan, LoadResult } from './load-generator';
import type { LoadProcessMessage } from './load-process';

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
 * Runs the LoadGenerator in an OS process of its own (load-process.ts), so the crowd competes
 * with the services only for the machine's cores, never for their event loops. Mirrors its
 * counters and latencies here (at most PROGRESS_EVERY_MS behind). Single use: prepare() (or
 * let run() do it), then run() once.
 */
export class ForkedLoadGenerator implements LoadSource {
  readonly latency = new LatencyRecorder();
  readonly service = new LatencyRecorder();
  pid?: number;
  counters: LoadCounters = {
    sent: 0, dispatched: 0, answered: 0, accepted: 0, refused: 0, intakeErrors: 0, timeouts: 0, connectionErrors: 0, byStatus: {},
    startedAtMs: 0, lastSentAtMs: 0, lastAnsweredAtMs: 0,
  };
  private child: ChildProcess | null = null;
  private preparing: Promise<void> | null = null;

  constructor(private readonly plan: LoadPlan) {}

  /**
   * Starts the process and waits until it has loaded, so that the burst starts the moment
   * run() is called, not a process start-up later.
   */
  prepare(): Promise<void> {
    this.preparing ??= new Promise<void>((resolve, reject) => {
      const child = fork(join(__dirname, 'load-process.ts'), [], {
        execArgv: ['-r', '@swc-node/register'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        serialization: 'advanced',
      });
      this.child = child;
      this.pid = child.pid;
      const onExit = (code: number | null, signal: string | null): void =>
        reject(new Error(`load generator process exited (${signal ?? `code ${code}`}) while starting`));
      child.once('exit', onExit);
      child.once('error', reject);
      child.once('message', (m: LoadProcessMessage) => {
        child.off('exit', onExit);
        child.off('error', reject);
        if (m.type === 'ready') resolve();
        else reject(new Error(`load generator process said ${m.type} before it was ready`));
      });
    });
    return this.preparing;
  }

  async run(): Promise<LoadResult> {
    await this.prepare();
    const child = this.child as ChildProcess;
    const done = new Promise<LoadResult>((resolve, reject) => {
      let finished = false;
      child.on('message', (m: LoadProcessMessage) => {
        if (m.type === 'ready') return;
        if (m.type === 'error') {
          finished = true;
          reject(new Error(`load generator failed: ${m.message}`));
          return;
        }
        this.counters = m.counters;
        for (const v of m.latencies) this.latency.record(v);
        for (const v of m.serviceTimes) this.service.record(v);
        if (m.type === 'done') {
          finished = true;
          resolve({ counters: m.counters, acceptedOrderIds: m.acceptedOrderIds });
        }
      });
      child.on('error', (e) => {
        if (!finished) reject(e);
      });
      child.on('exit', (code, signal) => {
        if (!finished) reject(new Error(`load generator process exited (${signal ?? `code ${code}`}) before it finished`));
      });
      child.send(this.plan);
    });
    try {
      return await done;
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
  }
}
