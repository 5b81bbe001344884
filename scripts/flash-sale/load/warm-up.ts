import type { FlashSaleOptions, RunMode } from '../options';
import type { RunningStack } from '../stack/stack.types';
import { ForkedLoadGenerator, LoadProcess } from './forked-load-generator';

/** The warm-up's orders arrive at this rate (the shop's ordinary traffic, well below every capacity's sum). */
const WARM_UP_SECONDS = 2;
const WARM_UP_POLL_MS = 100;
/** Give up waiting for the warm-up to be worked off after this long. */
const WARM_UP_DRAIN_TIMEOUT_MS = 120_000;

/**
 * Before the sale opens, the shop does its ordinary business: `--warm-up-orders` orders of
 * another course arrive over a couple of seconds and are worked off completely, so that
 * every process has run (and V8 has compiled) the code of each step, as in a shop that has
 * been open for a while. A cold start instead charges the first seconds of the sale with
 * compiling. The warm-up's orders are then left out of every figure and of the audit.
 * No-op when the stack has no warm-up course or the count is 0.
 */
export async function warmUp(
  mode: RunMode,
  options: FlashSaleOptions,
  stack: RunningStack,
  crowd: LoadProcess,
  log: (line: string) => void,
): Promise<void> {
  const courseId = stack.warmUpCourseId;
  const probe = stack.probe;
  if (!courseId || options.warmUpOrders <= 0 || !probe.finalOrdersOf || !probe.excludeOrdersOf) return;
  const started = performance.now();
  const load = new ForkedLoadGenerator({
    baseUrl: stack.baseUrl,
    tokens: stack.tokens,
    courseId,
    orders: options.warmUpOrders,
    shape: 'steady',
    durationMs: WARM_UP_SECONDS * 1000,
    connections: options.connections,
    requestTimeoutMs: options.requestTimeoutMs,
  }, crowd);
  const result = await load.run();
  const deadline = performance.now() + WARM_UP_DRAIN_TIMEOUT_MS;
  const expected = result.counters.accepted;
  // Direct mode answers with the final state; broker mode works the orders off behind the broker.
  while (mode === 'broker' && (await probe.finalOrdersOf(courseId)) < expected) {
    if (performance.now() > deadline) throw new Error(`the warm-up's ${expected} orders were not all final after ${WARM_UP_DRAIN_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, WARM_UP_POLL_MS));
  }
  const excluded = await probe.excludeOrdersOf(courseId);
  log(
    `[${mode}] warm-up: ${expected.toLocaleString('en-US')} ordinary orders of another course worked off in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s (left out of every figure: ${excluded.toLocaleString('en-US')} orders)`,
  );
}
