import { resolve } from 'node:path';
import type { FlashSaleOptions, RunMode } from './options';
import { ForkedLoadGenerator, LoadProcess } from './load/forked-load-generator';
import { warmUp } from './load/warm-up';
import { MetricsSampler } from './metrics/metrics-sampler';
import { hasStageQueries, RunTimeline } from './metrics/run-timeline.types';
import type { DashboardEvent, RunPlan, Sample } from './metrics/sample.types';
import type { RunRecord } from './report/run-report.types';
import { explainForecast } from './report/run-reading';
import { forecastFor, IntakeCpu, summariseRun } from './report/run-summary';
import type { RunningStack, StackLauncher } from './stack/stack.types';
import { TerminalView } from './view/terminal-view';
import { planLines } from './view/plan-lines';

/** Consecutive samples that must show "everything final" before the run counts as drained. */
const STABLE_SAMPLES_TO_FINISH = 2;
/** Width of the time buckets read from the rows' timestamps for the stages' pace. */
const TIMELINE_BUCKET_MS = 100;

export interface RunHooks {
  log: (line: string) => void;
  publish: (event: DashboardEvent) => void;
  /** Called once the stack is up and before the burst (tests hook in here). */
  onStackReady?: (stack: RunningStack) => void | Promise<void>;
  tty?: boolean;
}

/**
 * One run of the simulation in one mode: boot the stack, fire the burst, sample until every
 * accepted order is final (or the drain timeout passes), check the invariants, stop the stack.
 * The stack is always stopped, also when the run fails.
 */
export async function runOnce(mode: RunMode, options: FlashSaleOptions, launcher: StackLauncher, hooks: RunHooks): Promise<RunRecord> {
  const { log, publish } = hooks;
  publish({ type: 'phase', text: `${mode}: booting the stack` });
  log(`[${mode}] booting the stack (broker, PostgreSQL, services), seeding ${options.seats} seats and ${options.buyers} buyers…`);
  const bootStart = performance.now();
  const stack = await launcher.start(
    {
      mode,
      topology: options.topology,
      capacities: {
        authPerSec: options.authCapacityPerSec,
        coursePerSec: options.courseCapacityPerSec,
        paymentPerSec: options.payment.capacityPerSec,
      },
      seats: options.seats,
      buyers: options.buyers,
      payment: options.payment,
      partitions: options.partitions,
      consumersPerService: options.consumersPerService,
      directTimeoutMs: options.directTimeoutMs,
      warmUpSeats: options.warmUpOrders,
      cpuProfDir: options.cpuProfDir ?? undefined,
    },
    (line) => log(`[${mode}] ${line}`),
  );
  try {
    log(`[${mode}] stack up in ${((performance.now() - bootStart) / 1000).toFixed(1)} s at ${stack.baseUrl}; ${stack.tokens.length} buyers logged in`);
    await hooks.onStackReady?.(stack);
    // One crowd process for the warm-up and the sale: its code is as warm as the shop's.
    const crowd = new LoadProcess(options.cpuProfDir ? resolve(options.cpuProfDir) : undefined);
    try {
      await warmUp(mode, options, stack, crowd, log);
      return await burstAndDrain(mode, options, stack, crowd, hooks);
    } finally {
      await crowd.close();
    }
  } finally {
    publish({ type: 'phase', text: `${mode}: stopping the stack` });
    await stack.stop();
  }
}

async function burstAndDrain(mode: RunMode, options: FlashSaleOptions, stack: RunningStack, crowd: LoadProcess, hooks: RunHooks): Promise<RunRecord> {
  const { log, publish } = hooks;
  const settings = runSettings(options, stack);
  const title = `${mode} mode: ${options.orders.toLocaleString('en-US')} orders, ${options.shape} over ${options.burstSeconds} s`;
  const planned = forecastFor(options, options.orders);
  const plan: RunPlan = {
    topology: stack.topology,
    orders: options.orders,
    burstSeconds: options.burstSeconds,
    forecast: planned,
    explanation: explainForecast(mode, planned, options.burstSeconds, options.seats, options.buyers),
  };
  plan.lines = planLines(plan, mode);
  for (const line of plan.lines) log(`[${mode}] ${line}`);
  publish({ type: 'run-start', mode, title, settings, plan });
  const load = new ForkedLoadGenerator({
    baseUrl: stack.baseUrl,
    tokens: stack.tokens,
    courseId: stack.courseId,
    orders: options.orders,
    shape: options.shape,
    durationMs: options.burstSeconds * 1000,
    connections: options.connections,
    requestTimeoutMs: options.requestTimeoutMs,
  }, crowd);
  const view = new TerminalView({ orders: options.orders, seats: options.seats }, log, hooks.tty);
  // The load process loads first, so the burst starts the moment run() is called (time 0 of
  // every sample and chart); CPU is read before it, while the stack is idle.
  await load.prepare();
  const cpuBefore = await stack.processCpuSeconds().catch(() => null);
  const startedAt = performance.now();
  const startedAtWallMs = Date.now();
  let sampleErrors = 0;
  const sampler = new MetricsSampler(
    { mode, probe: stack.probe, counters: () => load.counters, latency: () => load.latency, service: () => load.service, startedAt },
    options.sampleMs,
    (s) => {
      view.update(s);
      publish({ type: 'sample', sample: s });
    },
    (e) => {
      if (sampleErrors++ === 0) log(`[${mode}] sampling failed (continuing): ${String(e)}`);
    },
  );
  view.start(mode);
  sampler.start();
  const result = await load.run();
  const cpuAfter = await stack.processCpuSeconds().catch(() => null);
  // Intake ends with the last answer (or timeout): from then on only the backlog is left.
  const intakeEndT = Math.max(0, (result.counters.lastAnsweredAtMs - startedAtWallMs) / 1000);

  // Wait until every accepted order is final: PostgreSQL has no pending row, the receipts are
  // all final, and no consumer group is behind.
  const deadline = performance.now() + options.drainTimeoutSeconds * 1000;
  let stable = 0;
  let drained = false;
  let drainedAtT: number | null = null;
  while (performance.now() < deadline) {
    const last = sampler.samples[sampler.samples.length - 1];
    if (last && isSettled(last, result.acceptedOrderIds.length)) {
      drainedAtT ??= last.t;
      if (++stable >= STABLE_SAMPLES_TO_FINISH) {
        drained = true;
        break;
      }
    } else {
      stable = 0;
      drainedAtT = null;
    }
    await waitForNextSample(sampler, options.sampleMs * 4);
  }
  const finalSample = await sampler.stop();
  view.stop();
  if (!drained) log(`[${mode}] gave up waiting after ${options.drainTimeoutSeconds} s: some orders are not final`);
  publish({ type: 'phase', text: `${mode}: checking invariants in PostgreSQL and the broker` });
  const invariants = await stack.probe.invariants(result.acceptedOrderIds);
  const counts = await stack.probe.orderCounts();
  const timeline = await readTimeline(stack, startedAtWallMs, (e) => log(`[${mode}] reading the rows' timestamps failed: ${String(e)}`));
  const cpu: IntakeCpu | null = cpuBefore && cpuAfter ? { before: cpuBefore, after: cpuAfter } : null;
  const { summary, forecast } = summariseRun({
    mode,
    options,
    topology: stack.topology,
    processes: stack.processes,
    counters: load.counters,
    latency: load.latency.percentiles(),
    service: load.service.percentiles(),
    samples: sampler.samples,
    finalSample,
    invariants,
    rejectedByReason: counts.rejectedByReason,
    times: { intakeEndT, drainedAtT: drained ? drainedAtT : null, drained },
    timeline,
    cpu,
  });
  const explanation = explainForecast(mode, forecast, options.burstSeconds, options.seats, options.buyers);
  publish({ type: 'run-end', mode, summary: summary as unknown as Record<string, unknown>, forecast, explanation });
  return { mode, title, settings, summary, samples: sampler.samples, forecast };
}

async function readTimeline(stack: RunningStack, originWallMs: number, onError: (e: unknown) => void): Promise<RunTimeline | null> {
  if (!hasStageQueries(stack.probe)) return null;
  try {
    return await stack.probe.runTimeline(originWallMs, TIMELINE_BUCKET_MS);
  } catch (e) {
    onError(e);
    return null;
  }
}

function isSettled(s: Sample, receipts: number): boolean {
  return s.final >= receipts && s.pending === 0 && s.totalLag === 0;
}

function waitForNextSample(sampler: MetricsSampler, maxMs: number): Promise<void> {
  const count = sampler.samples.length;
  const until = performance.now() + maxMs;
  return new Promise((resolve) => {
    const check = (): void => {
      if (sampler.samples.length > count || performance.now() >= until) resolve();
      else setTimeout(check, 20);
    };
    check();
  });
}

/** The run's settings as shown above its charts. */
function runSettings(o: FlashSaleOptions, stack: RunningStack): Record<string, string | number> {
  return {
    topology: stack.topology,
    orders: o.orders,
    buyers: o.buyers,
    seats: o.seats,
    shape: o.shape,
    'burst s': o.burstSeconds,
    'auth capacity/s': o.authCapacityPerSec,
    'course capacity/s': o.courseCapacityPerSec,
    'payment capacity/s': o.payment.capacityPerSec,
    'payment latency ms': o.payment.latencyMs,
    'payment failure rate': o.payment.failureRate,
    partitions: o.partitions,
    'consumers/service': o.consumersPerService,
  };
}
