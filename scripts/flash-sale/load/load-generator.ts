import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import type { BurstShape } from '../options';
import { LatencyRecorder } from '../metrics/latency-recorder';
import { sendSchedule } from './burst-shape';

/** Payment methods the buyers alternate between. */
const PAYMENT_METHODS = ['alipay', 'wechat'] as const;
/** Shorter waits for a click time are skipped (sent at once). */
const SCHEDULER_TICK_MS = 1;

export interface LoadPlan {
  /** http://host:port of order-service. */
  baseUrl: string;
  /** Bearer tokens of the buyers; order i is placed by buyer i mod tokens.length. */
  tokens: readonly string[];
  courseId: string;
  orders: number;
  shape: BurstShape;
  durationMs: number;
  /** Concurrent keep-alive connections; further requests queue in the client (as a crowd does). */
  connections: number;
  /** Time from the order's scheduled click to its answer after which it counts as a timeout. */
  requestTimeoutMs: number;
}

/** Live counters of a load run; read by the sampler at any time. */
export interface LoadCounters {
  /** Orders whose click time has come (the offered load; refreshed by refreshClicked()). */
  sent: number;
  /** Requests actually sent (an order can wait for a free connection, or be given up). */
  dispatched: number;
  /** Requests answered at all (any HTTP status). */
  answered: number;
  /** 2xx answers carrying an orderId. */
  accepted: number;
  /** 4xx answers other than 429: the service refused the order itself (not an error of the service). */
  refused: number;
  /** 5xx and 429 answers, timeouts and connection errors. */
  intakeErrors: number;
  timeouts: number;
  connectionErrors: number;
  byStatus: Record<string, number>;
  /** Wall-clock ms when the first and the last request were started / answered. */
  startedAtMs: number;
  lastSentAtMs: number;
  lastAnsweredAtMs: number;
}

export interface LoadResult {
  counters: LoadCounters;
  /** Order ids of the 2xx answers: what the buyers hold as receipts. */
  acceptedOrderIds: string[];
}

/**
 * Fires orders at order-service over real HTTP: each order has a click time from the burst
 * shape, and is sent then or, when every connection is busy, as soon as one frees up, like a
 * crowd behind a bounded client pool. Latency is measured from the scheduled click to the
 * answer, so time spent waiting for a free connection counts (no coordinated omission).
 * Single use: call run() once.
 */
export class LoadGenerator {
  /** Click → answer (includes waiting for a free connection): what the buyer lives through. */
  readonly latency = new LatencyRecorder();
  /** Request sent → answer: the service's own response time. */
  readonly service = new LatencyRecorder();
  readonly counters: LoadCounters = {
    sent: 0,
    dispatched: 0,
    answered: 0,
    accepted: 0,
    refused: 0,
    intakeErrors: 0,
    timeouts: 0,
    connectionErrors: 0,
    byStatus: {},
    startedAtMs: 0,
    lastSentAtMs: 0,
    lastAnsweredAtMs: 0,
  };
  private readonly acceptedOrderIds: string[] = [];
  /** Keep-alive connections to order-service (undici: far less CPU per request than node:http). */
  private readonly pool: Pool;
  /** Whether run() closes the pool (false when the caller lends one that outlives the run). */
  private readonly ownsPool: boolean;

  /** `pool`: connections to lend (kept open after the run, e.g. from the warm-up to the sale). */
  constructor(
    private readonly plan: LoadPlan,
    pool?: Pool,
  ) {
    if (plan.tokens.length === 0) throw new Error('LoadGenerator needs at least one buyer token');
    this.ownsPool = pool === undefined;
    this.pool = pool ?? new Pool(plan.baseUrl, { connections: plan.connections, pipelining: 1 });
  }

  private schedule: Float64Array | null = null;
  private startedAt = 0;

  /**
   * Sends every order on schedule and resolves when each has been answered or given up.
   * `connections` lanes each take the next order in line, wait for its click time and send
   * it; an order still waiting for a lane requestTimeoutMs after its click is given up
   * (the buyer's browser timed out) and counted as a timeout.
   */
  async run(): Promise<LoadResult> {
    const schedule = sendSchedule(this.plan.shape, this.plan.orders, this.plan.durationMs);
    this.schedule = schedule;
    this.startedAt = performance.now();
    this.counters.startedAtMs = Date.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= schedule.length) return;
        const due = this.startedAt + schedule[i];
        const wait = due - performance.now();
        if (wait >= SCHEDULER_TICK_MS) await new Promise((r) => setTimeout(r, wait));
        this.counters.lastSentAtMs = Date.now();
        if (performance.now() - due >= this.plan.requestTimeoutMs) {
          this.counters.timeouts++;
          this.counters.intakeErrors++;
          this.latency.record(performance.now() - due);
          this.counters.lastAnsweredAtMs = Date.now();
          continue;
        }
        await this.fire(i, due);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.plan.connections, schedule.length) }, lane));
    this.counters.sent = schedule.length;
    if (this.ownsPool) await this.pool.close();
    return { counters: this.counters, acceptedOrderIds: this.acceptedOrderIds };
  }

  /** Updates `counters.sent` to the orders whose click time has come (the offered load). */
  refreshClicked(): void {
    const schedule = this.schedule;
    if (!schedule) return;
    const elapsed = performance.now() - this.startedAt;
    let lo = 0;
    let hi = schedule.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (schedule[mid] <= elapsed) lo = mid + 1;
      else hi = mid;
    }
    this.counters.sent = lo;
  }

  private async fire(index: number, scheduledAt: number): Promise<void> {
    const { tokens, courseId, requestTimeoutMs } = this.plan;
    const body = JSON.stringify({ courseId, paymentMethod: PAYMENT_METHODS[index % PAYMENT_METHODS.length] });
    this.counters.dispatched++;
    const sentAt = performance.now();
    // The buyer gives up requestTimeoutMs after the click, however long the wait for a connection was.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(1, scheduledAt + requestTimeoutMs - sentAt));
    try {
      const res = await this.pool.request({
        method: 'POST',
        path: '/orders',
        signal: abort.signal,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${tokens[index % tokens.length]}`,
          'idempotency-key': randomUUID(),
        },
        body,
      });
      const answer = await res.body.text();
      const status = res.statusCode;
      this.latency.record(performance.now() - scheduledAt);
      this.service.record(performance.now() - sentAt);
      this.counters.answered++;
      this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
      if (status >= 200 && status < 300) {
        const orderId = readOrderId(answer);
        if (orderId) {
          this.counters.accepted++;
          this.acceptedOrderIds.push(orderId);
        } else this.counters.intakeErrors++;
      } else if (status >= 500 || status === 429) this.counters.intakeErrors++;
      else this.counters.refused++;
    } catch {
      if (abort.signal.aborted) {
        this.counters.timeouts++;
        this.counters.intakeErrors++;
        this.latency.record(performance.now() - scheduledAt);
        this.service.record(performance.now() - sentAt);
      } else this.countConnectionError();
    } finally {
      clearTimeout(timer);
      this.counters.lastAnsweredAtMs = Date.now();
    }
  }

  private countConnectionError(): void {
    this.counters.connectionErrors++;
    this.counters.intakeErrors++;
  }
}

function readOrderId(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'orderId' in parsed) {
      const id = (parsed as { orderId: unknown }).orderId;
      return typeof id === 'string' && id.length > 0 ? id : null;
    }
  } catch {
    // not JSON: not a receipt
  }
  return null;
}
