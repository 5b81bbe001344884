import { randomUUID } from 'node:crypto';
import { StageCapacity } from '@peak/platform';
import type { GatewayProfile } from '../config/payment.config';

export interface ChargeResult {
  ok: boolean;
  transactionId: string;
  detail: string;
}

/** z-score of the 99th percentile of a standard normal distribution. */
const Z_P99 = 2.326;
/** Charges remembered for idempotency (oldest forgotten first). */
const REMEMBERED_CHARGES = 200_000;

/**
 * A simulated payment gateway (Alipay or WeChat Pay): capacity limits (a StageCapacity: token
 * bucket for requests/s, a semaphore for concurrency, both first come first served), log-normal
 * latency and a decline rate.
 * Like the real ones it is idempotent per merchant order id: charging the same order again
 * returns the first result and never charges twice. Safe for concurrent use.
 */
export class SimulatedGateway {
  private readonly charges = new Map<string, Promise<ChargeResult>>();
  /** Requests/s and concurrency, first come first served (the bucket starts full: a real gateway's burst allowance). */
  readonly capacity: StageCapacity;
  /** Real charges performed (not idempotent replays). */
  chargeCount = 0;

  constructor(
    readonly name: string,
    private readonly profile: GatewayProfile,
    private readonly random: () => number = Math.random,
  ) {
    this.capacity = new StageCapacity(`payment-${name}`, {
      ratePerSecond: profile.requestsPerSecond,
      concurrency: profile.concurrency,
      burst: profile.requestsPerSecond,
      initialTokens: profile.requestsPerSecond,
    });
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

  private perform(amountCents: number): Promise<ChargeResult> {
    return this.capacity.run(async () => {
      const latency = this.sampleLatency();
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      this.chargeCount += 1;
      if (this.random() < this.profile.failureRate) {
        return { ok: false, transactionId: '', detail: `${this.name} declined the charge` };
      }
      return { ok: true, transactionId: `${this.name}-${randomUUID()}`, detail: `charged ${amountCents} cents` };
    });
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
}
