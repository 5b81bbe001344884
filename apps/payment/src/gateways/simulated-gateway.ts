import { randomUUID } from 'node:crypto';
import type { GatewayProfile } from '../config/payment.config';

export interface ChargeResult {
  ok: boolean;
  transactionId: string;
  detail: string;
}

/** z-score of the 99th percentile of a standard normal distribution. */
const Z_P99 = 2.326;
/** Served rate waiters kept at the head of the queue before it is compacted. */
const COMPACT_AFTER = 4_096;
/** Charges remembered for idempotency (oldest forgotten first). */
const REMEMBERED_CHARGES = 200_000;

/**
 * A simulated payment gateway (Alipay or WeChat Pay): capacity limits (token bucket for
 * requests/s, a semaphore for concurrency, both first come first served), log-normal latency and a decline rate.
 * Like the real ones it is idempotent per merchant order id: charging the same order again
 * returns the first result and never charges twice. Safe for concurrent use.
 */
export class SimulatedGateway {
  private readonly charges = new Map<string, Promise<ChargeResult>>();
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  private tokens: number;
  private lastRefill = performance.now();
  /** Charges waiting for a rate token, oldest first (`rateHead` is the next one). */
  private rateWaiters: Array<() => void> = [];
  private rateHead = 0;
  private rateTimer: NodeJS.Timeout | null = null;
  /** Real charges performed (not idempotent replays). */
  chargeCount = 0;

  constructor(
    readonly name: string,
    private readonly profile: GatewayProfile,
    private readonly random: () => number = Math.random,
  ) {
    this.tokens = profile.requestsPerSecond;
  }

  /** Charges `amountCents` for `orderId`, once. */
  charge(orderId: string, amountCents: number): Promise<ChargeResult> {
    const known = this.charges.get(orderId);
    if (known) return known;
    const pending = this.perform(amountCents);
    this.charges.set(orderId, pending);
    if (this.charges.size > REMEMBERED_CHARGES) {
      const oldest = this.charges.keys().next().value;
      if (oldest !== undefined) this.charges.delete(oldest);
    }
    pending.catch(() => this.charges.delete(orderId));
    return pending;
  }

  private async perform(amountCents: number): Promise<ChargeResult> {
    await this.acquireRate();
    await this.acquireSlot();
    try {
      const latency = this.sampleLatency();
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      this.chargeCount += 1;
      if (this.random() < this.profile.failureRate) {
        return { ok: false, transactionId: '', detail: `${this.name} declined the charge` };
      }
      return { ok: true, transactionId: `${this.name}-${randomUUID()}`, detail: `charged ${amountCents} cents` };
    } finally {
      this.releaseSlot();
    }
  }

  private sampleLatency(): number {
    const { latencyMedianMs: median, latencyP99Ms: p99 } = this.profile;
    if (median <= 0) return 0;
    const sigma = p99 > median ? Math.log(p99 / median) / Z_P99 : 0;
    // Box-Muller: one standard normal sample.
    const u = Math.max(this.random(), Number.EPSILON);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
    return median * Math.exp(sigma * z);
  }

  /** A token of the requests/s bucket; waiting charges get theirs in arrival order (FIFO). */
  private acquireRate(): Promise<void> {
    if (this.profile.requestsPerSecond <= 0) return Promise.resolve();
    this.refill();
    if (this.rateHead === this.rateWaiters.length && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.rateWaiters.push(resolve);
      this.scheduleRateRelease();
    });
  }

  private refill(): void {
    const rps = this.profile.requestsPerSecond;
    const now = performance.now();
    this.tokens = Math.min(rps, this.tokens + ((now - this.lastRefill) * rps) / 1000);
    this.lastRefill = now;
  }

  /** One timer for all waiters: when the next token is due, hand out what has accrued, in order. */
  private scheduleRateRelease(): void {
    if (this.rateTimer) return;
    const wait = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.profile.requestsPerSecond));
    this.rateTimer = setTimeout(() => {
      this.rateTimer = null;
      this.refill();
      while (this.tokens >= 1 && this.rateHead < this.rateWaiters.length) {
        this.tokens -= 1;
        this.rateWaiters[this.rateHead++]();
      }
      if (this.rateHead === this.rateWaiters.length) {
        this.rateWaiters = [];
        this.rateHead = 0;
        return;
      }
      // Under a long backlog the queue never empties: drop the served part now and then.
      if (this.rateHead > COMPACT_AFTER) {
        this.rateWaiters = this.rateWaiters.slice(this.rateHead);
        this.rateHead = 0;
      }
      this.scheduleRateRelease();
    }, wait);
  }

  private async acquireSlot(): Promise<void> {
    const limit = this.profile.concurrency;
    if (limit <= 0) return;
    if (this.active < limit) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private releaseSlot(): void {
    if (this.profile.concurrency <= 0) return;
    const next = this.waiters.shift();
    if (next) next();
    else this.active -= 1;
  }
}
