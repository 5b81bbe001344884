import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { BurstShape } from '../options';
import { LatencyRecorder } from '../metrics/latency-recorder';
import { sendSchedule } from './burst-shape';

/** Payment methods the buyers alternate between. */
const PAYMENT_METHODS = ['alipay', 'wechat'] as const;
/** Longest pause of the scheduler loop between two checks of the clock. */
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
  /** Orders whose click time has come (a request was started). */
  sent: number;
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
 * Fires orders at order-service over real HTTP, open loop: each order is sent at its scheduled
 * time whether or not earlier ones were answered, like a crowd clicking "buy". Latency is
 * measured from the scheduled click to the answer, so time spent waiting for a free connection
 * counts (no coordinated omission). Single use: call run() once.
 */
export class LoadGenerator {
  readonly latency = new LatencyRecorder();
  readonly counters: LoadCounters = {
    sent: 0,
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
  private readonly agent: http.Agent;
  private readonly url: URL;

  constructor(private readonly plan: LoadPlan) {
    if (plan.tokens.length === 0) throw new Error('LoadGenerator needs at least one buyer token');
    this.url = new URL('/orders', plan.baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: plan.connections, maxFreeSockets: plan.connections });
  }

  /** Sends every order on schedule and resolves when each has been answered or timed out. */
  async run(): Promise<LoadResult> {
    const schedule = sendSchedule(this.plan.shape, this.plan.orders, this.plan.durationMs);
    const start = performance.now();
    this.counters.startedAtMs = Date.now();
    const inflight: Array<Promise<void>> = [];
    let next = 0;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const elapsed = performance.now() - start;
        while (next < schedule.length && schedule[next] <= elapsed) {
          inflight.push(this.fire(next, start + schedule[next]));
          next++;
        }
        if (next >= schedule.length) resolve();
        else setTimeout(tick, Math.min(SCHEDULER_TICK_MS, Math.max(0, schedule[next] - elapsed)));
      };
      tick();
    });
    this.counters.lastSentAtMs = Date.now();
    await Promise.all(inflight);
    this.agent.destroy();
    return { counters: this.counters, acceptedOrderIds: this.acceptedOrderIds };
  }

  private fire(index: number, scheduledAt: number): Promise<void> {
    const { tokens, courseId, requestTimeoutMs } = this.plan;
    const body = JSON.stringify({ courseId, paymentMethod: PAYMENT_METHODS[index % PAYMENT_METHODS.length] });
    this.counters.sent++;
    return new Promise<void>((resolve) => {
      let settled = false;
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
        this.counters.lastAnsweredAtMs = Date.now();
        resolve();
      };
      const req = http.request(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${tokens[index % tokens.length]}`,
          'idempotency-key': randomUUID(),
        },
      });
      const timer = setTimeout(() => {
        finish(() => {
          this.counters.timeouts++;
          this.counters.intakeErrors++;
          this.latency.record(performance.now() - scheduledAt);
        });
        req.destroy();
      }, Math.max(1, scheduledAt + requestTimeoutMs - performance.now()));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => finish(() => this.countConnectionError()));
        res.on('end', () => {
          finish(() => {
            const status = res.statusCode ?? 0;
            this.latency.record(performance.now() - scheduledAt);
            this.counters.answered++;
            this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
            if (status >= 200 && status < 300) {
              const orderId = readOrderId(Buffer.concat(chunks));
              if (orderId) {
                this.counters.accepted++;
                this.acceptedOrderIds.push(orderId);
              } else this.counters.intakeErrors++;
            } else if (status >= 500 || status === 429) this.counters.intakeErrors++;
            else this.counters.refused++;
          });
        });
      });
      req.on('error', () => finish(() => this.countConnectionError()));
      req.end(body);
    });
  }

  private countConnectionError(): void {
    this.counters.connectionErrors++;
    this.counters.intakeErrors++;
  }
}

function readOrderId(body: Buffer): string | null {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'orderId' in parsed) {
      const id = (parsed as { orderId: unknown }).orderId;
      return typeof id === 'string' && id.length > 0 ? id : null;
    }
  } catch {
    // not JSON: not a receipt
  }
  return null;
}
