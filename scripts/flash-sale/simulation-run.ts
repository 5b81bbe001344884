import type { FlashSaleOptions, RunMode } from './options';
import { LoadSource, ThreadedLoadGenerator } from './load/threaded-load-generator';
import { MetricsSampler } from './metrics/metrics-sampler';
import type { DashboardEvent, Sample } from './metrics/sample.types';
import type { RunRecord, RunSummary } from './report/run-report.types';
import type { InvariantReport, RunningStack, StackLauncher } from './stack/stack.types';
import { TerminalView } from './view/terminal-view';

/** Consecutive samples that must show "everything final" before the run counts as drained. */
const STABLE_SAMPLES_TO_FINISH = 2;

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
    },
    (line) => log(`[${mode}] ${line}`),
  );
  try {
    log(`[${mode}] stack up in ${((performance.now() - bootStart) / 1000).toFixed(1)} s at ${stack.baseUrl}; ${stack.tokens.length} buyers logged in`);
    await hooks.onStackReady?.(stack);
    return await burstAndDrain(mode, options, stack, hooks);
  } finally {
    publish({ type: 'phase', text: `${mode}: stopping the stack` });
    await stack.stop();
  }
}

async function burstAndDrain(mode: RunMode, options: FlashSaleOptions, stack: RunningStack, hooks: RunHooks): Promise<RunRecord> {
  const { log, publish } = hooks;
  const settings = runSettings(options);
  const title = `${mode} mode: ${options.orders.toLocaleString('en-US')} orders, ${options.shape} over ${options.burstSeconds} s`;
  publish({ type: 'run-start', mode, title, settings });
  const load = new ThreadedLoadGenerator({
    baseUrl: stack.baseUrl,
    tokens: stack.tokens,
    courseId: stack.courseId,
    orders: options.orders,
    shape: options.shape,
    durationMs: options.burstSeconds * 1000,
    connections: options.connections,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const view = new TerminalView({ orders: options.orders, seats: options.seats }, log, hooks.tty);
  const startedAt = performance.now();
  const startedAtWallMs = Date.now();
  let sampleErrors = 0;
  const sampler = new MetricsSampler(
    { mode, probe: stack.probe, counters: () => load.counters, latency: () => load.latency, startedAt },
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
  const summary = summarise(mode, options, load, sampler.samples, finalSample, invariants, counts.rejectedByReason, {
    intakeEndT,
    drainedAtT: drained ? drainedAtT : null,
    drained,
  });
  publish({ type: 'run-end', mode, summary: summary as unknown as Record<string, unknown> });
  return { mode, title, settings, summary, samples: sampler.samples };
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

function runSettings(o: FlashSaleOptions): Record<string, string | number> {
  return {
    orders: o.orders,
    buyers: o.buyers,
    seats: o.seats,
    shape: o.shape,
    'burst s': o.burstSeconds,
    'payment capacity/s': o.payment.capacityPerSec,
    'payment latency ms': o.payment.latencyMs,
    'payment failure rate': o.payment.failureRate,
    partitions: o.partitions,
    'consumers/service': o.consumersPerService,
  };
}

interface DrainTimes {
  /** Seconds (since the burst started) of the last intake answer. */
  intakeEndT: number;
  drainedAtT: number | null;
  drained: boolean;
}

/** Builds the run's figures from the load generator, the samples and the invariant check. */
export function summarise(
  mode: RunMode,
  options: FlashSaleOptions,
  load: LoadSource,
  samples: readonly Sample[],
  finalSample: Sample,
  invariants: InvariantReport,
  rejectedByReason: Record<string, number>,
  times: DrainTimes,
): RunSummary {
  const p = load.latency.percentiles();
  const service = load.service.percentiles();
  const atBurstEnd = samples.find((s) => s.t >= times.intakeEndT) ?? finalSample;
  const backlog = Math.max(0, atBurstEnd.accepted - atBurstEnd.final);
  const chargeable = Math.min(options.seats, options.buyers, finalSample.accepted);
  const paymentBacklog = Math.min(backlog, Math.max(0, chargeable - atBurstEnd.paid));
  const capacity = options.payment.capacityPerSec;
  const c = load.counters;
  const ok = invariants.lost === 0 && invariants.oversold === 0 && invariants.doubleCharged === 0;
  return {
    mode,
    ordersSent: c.sent,
    accepted: c.accepted,
    refusedAtIntake: c.refused,
    confirmed: finalSample.confirmed,
    rejected: { ...rejectedByReason },
    lost: invariants.lost,
    oversold: invariants.oversold,
    doubleCharged: invariants.doubleCharged,
    chargedWithoutSeat: invariants.chargedWithoutSeat,
    confirmedWithoutReceipt: invariants.confirmedWithoutReceipt,
    intakeP50Ms: p.p50,
    intakeP90Ms: p.p90,
    intakeP99Ms: p.p99,
    intakeMaxMs: p.max,
    intakeServiceP50Ms: service.p50,
    intakeServiceP99Ms: service.p99,
    intakeErrors: c.intakeErrors,
    intakeTimeouts: c.timeouts,
    maxLag: samples.reduce((m, s) => Math.max(m, s.totalLag), 0),
    drainSeconds: times.drainedAtT === null ? null : round1(Math.max(0, times.drainedAtT - times.intakeEndT)),
    predictedDrainSeconds: round1(paymentBacklog / capacity),
    backlogAtBurstEnd: backlog,
    paymentBacklogAtBurstEnd: paymentBacklog,
    peakIntakePerSec: samples.reduce((m, s) => Math.max(m, s.intakeRate), 0),
    peakProcessedPerSec: samples.reduce((m, s) => Math.max(m, s.processedRate), 0),
    ordersOnBroker: invariants.ordersOnBroker,
    seats: options.seats,
    paymentCapacityPerSec: capacity,
    durationSeconds: round1(finalSample.t),
    drained: times.drained,
    ok,
    invariantExamples: invariants.examples,
  };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
