/**
 * Worker-thread entry of the load generator: runs a LoadGenerator on its own thread (so the
 * crowd does not steal the services' event loop) and streams progress to the parent.
 * Messages out: `progress` (counters and the latencies recorded since the last one) every
 * PROGRESS_EVERY_MS, then one `done` with the receipts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LatencyRecorder } from '../metrics/latency-recorder';
import { LoadGenerator, LoadPlan } from './load-generator';

export const PROGRESS_EVERY_MS = 100;

export type WorkerMessage =
  | { type: 'progress'; counters: LoadGenerator['counters']; latencies: number[]; serviceTimes: number[] }
  | { type: 'done'; counters: LoadGenerator['counters']; latencies: number[]; serviceTimes: number[]; acceptedOrderIds: string[] }
  | { type: 'error'; message: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('load-worker must run in a worker thread');
  const generator = new LoadGenerator(workerData as LoadPlan);
  const shipper = (recorder: LatencyRecorder): (() => number[]) => {
    let shipped = 0;
    return () => {
      const all = recorder.values();
      const out = all.slice(shipped);
      shipped = all.length;
      return out;
    };
  };
  const fresh = shipper(generator.latency);
  const freshService = shipper(generator.service);
  const timer = setInterval(() => {
    generator.refreshClicked();
    const message: WorkerMessage = { type: 'progress', counters: generator.counters, latencies: fresh(), serviceTimes: freshService() };
    port.postMessage(message);
  }, PROGRESS_EVERY_MS);
  try {
    const result = await generator.run();
    const message: WorkerMessage = { type: 'done', counters: result.counters, latencies: fresh(), serviceTimes: freshService(), acceptedOrderIds: result.acceptedOrderIds };
    port.postMessage(message);
  } catch (e) {
    const message: WorkerMessage = { type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    port.postMessage(message);
  } finally {
    clearInterval(timer);
  }
}

void main();
