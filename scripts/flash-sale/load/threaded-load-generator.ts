import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LatencyRecorder } from '../metrics/latency-recorder';
import type { LoadCounters, LoadPlan, LoadResult } from './load-generator';
import type { WorkerMessage } from './load-worker';

/** What the sampler and the summary read from a load run. */
export interface LoadSource {
  readonly counters: LoadCounters;
  readonly latency: LatencyRecorder;
  readonly service: LatencyRecorder;
}

/**
 * Runs the LoadGenerator on a worker thread, so on a 2-core machine the crowd and the
 * services each get a core. Mirrors its counters and latencies here (at most
 * PROGRESS_EVERY_MS behind). Single use: call run() once.
 */
export class ThreadedLoadGenerator implements LoadSource {
  readonly latency = new LatencyRecorder();
  readonly service = new LatencyRecorder();
  counters: LoadCounters = {
    sent: 0, dispatched: 0, answered: 0, accepted: 0, refused: 0, intakeErrors: 0, timeouts: 0, connectionErrors: 0, byStatus: {},
    startedAtMs: 0, lastSentAtMs: 0, lastAnsweredAtMs: 0,
  };

  constructor(private readonly plan: LoadPlan) {}

  run(): Promise<LoadResult> {
    const worker = new Worker(join(__dirname, 'load-worker.bootstrap.js'), { workerData: this.plan });
    return new Promise<LoadResult>((resolve, reject) => {
      let finished = false;
      worker.on('message', (m: WorkerMessage) => {
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
      worker.on('error', (e) => {
        if (!finished) reject(e);
      });
      worker.on('exit', (code) => {
        if (!finished) reject(new Error(`load generator thread exited with code ${code}`));
      });
    }).finally(() => void worker.terminate());
  }
}
