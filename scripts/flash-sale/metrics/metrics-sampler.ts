import type { RunMode } from '../options';
import type { LoadCounters } from '../load/load-generator';
import type { LatencyRecorder } from './latency-recorder';
import type { LagEntry, OrderCounts, StackProbe } from '../stack/stack.types';
import type { Sample } from './sample.types';
import { STAGES, STAGE_GROUP, StageName } from './drain-model';
import { hasStageQueries, StageProgress } from './run-timeline.types';

/** Rates are computed over this look-back window (smoother than one sampling period). */
export const RATE_WINDOW_MS = 1_000;

export interface SamplerSources {
  mode: RunMode;
  probe: StackProbe;
  counters: () => LoadCounters;
  /** Click → answer. */
  latency: () => LatencyRecorder;
  /** Request sent → answer (the server's time); absent: the sample's server percentiles are null. */
  service?: () => LatencyRecorder;
  /** performance.now() of the burst start. */
  startedAt: number;
}

/**
 * Takes a Sample every `periodMs`: load-generator counters from memory, order counts from
 * PostgreSQL and lag from the broker. Samples never overlap: a slow probe delays the next one.
 * A failed probe keeps the previous figures and is reported through onError.
 */
export class MetricsSampler {
  readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private lastCounts: OrderCounts = { total: 0, confirmed: 0, rejected: 0, rejectedByReason: {}, paid: 0 };
  private lastLag: LagEntry[] = [];
  private lastProgress: StageProgress | null = null;
  private readonly history: Array<{ at: number; sent: number; accepted: number; final: number; stages: Record<StageName, number | null> }> = [];

  constructor(
    private readonly sources: SamplerSources,
    private readonly periodMs: number,
    private readonly onSample: (s: Sample) => void,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops sampling after taking one last sample; resolves with it. */
  async stop(): Promise<Sample> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
    return this.takeSample();
  }

  /** Takes one sample now (also used by stop()). */
  async takeSample(): Promise<Sample> {
    const { probe, mode, startedAt } = this.sources;
    const [counts, lag, progress] = await Promise.all([
      probe.orderCounts().catch((e: unknown) => (this.onError(e), this.lastCounts)),
      probe.consumerLag().catch((e: unknown) => (this.onError(e), this.lastLag)),
      hasStageQueries(probe) ? probe.stageProgress().catch((e: unknown) => (this.onError(e), this.lastProgress)) : Promise.resolve(null),
    ]);
    this.lastCounts = counts;
    this.lastLag = lag;
    this.lastProgress = progress;
    const now = performance.now();
    const counters = this.sources.counters();
    const final = counts.confirmed + counts.rejected;
    const lagByGroup: Record<string, number> = {};
    let totalLag = 0;
    for (const e of lag) {
      lagByGroup[e.group] = (lagByGroup[e.group] ?? 0) + e.lag;
      totalLag += e.lag;
    }
    const authLag = lagByGroup[STAGE_GROUP.auth];
    const stageDone: Record<StageName, number | null> = {
      // Every accepted order is on orders.created; what auth has not consumed is its lag.
      auth: authLag === undefined ? null : Math.max(0, counters.accepted - authLag),
      'course-validation': progress ? progress.courseChecks : null,
      payment: progress ? progress.charges : null,
    };
    this.history.push({ at: now, sent: counters.sent, accepted: counters.accepted, final, stages: stageDone });
    while (this.history.length > 2 && now - this.history[1].at >= RATE_WINDOW_MS) this.history.shift();
    const base = this.history[0];
    const dt = (now - base.at) / 1000;
    const rate = (a: number, b: number): number => (dt > 0 ? Math.max(0, Math.round((a - b) / dt)) : 0);
    const window = this.sources.latency().takeWindow();
    const serviceWindow = this.sources.service?.().takeWindow() ?? null;
    const stageRate = {} as Record<StageName, number | null>;
    for (const st of STAGES) {
      const a = stageDone[st];
      const b = base.stages[st];
      stageRate[st] = a === null || b === null ? null : rate(a, b);
    }
    const sample: Sample = {
      mode,
      t: Math.round((now - startedAt) / 10) / 100,
      sent: counters.sent,
      accepted: counters.accepted,
      refused: counters.refused,
      intakeErrors: counters.intakeErrors,
      final,
      confirmed: counts.confirmed,
      rejected: counts.rejected,
      rejectedByReason: { ...counts.rejectedByReason },
      paid: counts.paid,
      pending: Math.max(0, counts.total - final),
      offeredRate: rate(counters.sent, base.sent),
      intakeRate: rate(counters.accepted, base.accepted),
      processedRate: rate(final, base.final),
      latencyP50: window.p50,
      latencyP90: window.p90,
      latencyP99: window.p99,
      serviceP50: serviceWindow?.p50 ?? null,
      serviceP99: serviceWindow?.p99 ?? null,
      stageDone,
      stageRate,
      lag,
      lagByGroup,
      totalLag,
    };
    this.samples.push(sample);
    this.onSample(sample);
    return sample;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const began = performance.now();
      this.running = this.takeSample()
        .then(() => undefined, (e: unknown) => this.onError(e))
        .finally(() => {
          this.running = null;
          this.schedule(Math.max(0, this.periodMs - (performance.now() - began)));
        });
    }, delay);
  }
}
