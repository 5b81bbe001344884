/**
 * Entry point of the load generator's own OS process (started by LoadProcess): the crowd
 * runs apart from the services and the simulation's sampler, as buyers' browsers are apart
 * from the shop. Says `ready` once loaded; then runs each `run` message's LoadPlan in turn
 * (the warm-up, then the sale: the same process, so its code is as warm as the shop's),
 * streaming `progress` (counters and the latencies recorded since the last one) every
 * PROGRESS_EVERY_MS and one `done` with the receipts; exits on `exit` or when its parent goes.
 */
import type { LatencyRecorder } from '../metrics/latency-recorder';
import { Pool } from 'undici';
import { LoadGenerator, LoadPlan } from './load-generator';

export const PROGRESS_EVERY_MS = 100;

/** Parent → load process. */
export type LoadProcessCommand = { type: 'run'; plan: LoadPlan } | { type: 'exit' };

/** Load process → parent. */
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

/**
 * Connections by order-service address and count, kept from one run to the next: the sale's
 * crowd arrives over connections the shop already serves (as behind a load balancer that
 * keeps its upstream connections open), not over a storm of new ones at the opening.
 */
const pools = new Map<string, Pool>();

function poolFor(plan: LoadPlan): Pool {
  const key = `${plan.baseUrl} ${plan.connections}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new Pool(plan.baseUrl, { connections: plan.connections, pipelining: 1 });
    pools.set(key, pool);
  }
  return pool;
}

async function run(plan: LoadPlan): Promise<void> {
  const generator = new LoadGenerator(plan, poolFor(plan));
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
}

if (!process.send) {
  process.stderr.write('load-process must be started with an IPC channel (see LoadProcess)\n');
  process.exit(2);
}
let queue = Promise.resolve();
process.on('message', (command: LoadProcessCommand) => {
  if (command.type === 'exit') void queue.then(() => process.exit(0));
  else queue = queue.then(() => run(command.plan));
});
process.on('disconnect', () => process.exit(0));
void send({ type: 'ready' });
