/**
 * Entry point of the load generator's own OS process (forked by ForkedLoadGenerator): the
 * crowd runs apart from the services and the simulation's sampler, as buyers' browsers are
 * apart from the shop. Says `ready` once loaded, receives its LoadPlan as the next IPC message, streams `progress`
 * (counters and the latencies recorded since the last one) every PROGRESS_EVERY_MS, then one
 * `done` with the receipts, and exits.
 */
import type { LatencyRecorder } from '../metrics/latency-recorder';
import { LoadGenerator, LoadPlan } from './load-generator';

export const PROGRESS_EVERY_MS = 100;

export type LoadProcessMessage =
  | { type: 'ready' }
  | { type: 'progress'; counters: LoadGenerator['counters']; latencies: number[]; serviceTimes: number[] }
  | { type: 'done'; counters: LoadGenerator['counters']; latencies: number[]; serviceTimes: number[]; acceptedOrderIds: string[] }
  | { type: 'error'; message: string };

function send(message: LoadProcessMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** Ships only what a recorder gained since the previous call. */
function shipper(recorder: LatencyRecorder): () => number[] {
  let shipped = 0;
  return () => {
    const all = recorder.values();
    const out = all.slice(shipped);
    shipped = all.length;
    return out;
  };
}

async function run(plan: LoadPlan): Promise<void> {
  const generator = new LoadGenerator(plan);
  const fresh = shipper(generator.latency);
  const freshService = shipper(generator.service);
  const timer = setInterval(() => {
    generator.refreshClicked();
    void send({ type: 'progress', counters: generator.counters, latencies: fresh(), serviceTimes: freshService() });
  }, PROGRESS_EVERY_MS);
  try {
    const result = await generator.run();
    clearInterval(timer);
    await send({ type: 'done', counters: result.counters, latencies: fresh(), serviceTimes: freshService(), acceptedOrderIds: result.acceptedOrderIds });
  } catch (e) {
    clearInterval(timer);
    await send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
  process.disconnect?.();
}

if (!process.send) {
  process.stderr.write('load-process must be forked with an IPC channel (see ForkedLoadGenerator)\n');
  process.exit(2);
}
process.once('message', (plan: LoadPlan) => void run(plan));
void send({ type: 'ready' });
