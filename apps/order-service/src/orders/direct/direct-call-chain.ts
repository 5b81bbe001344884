import type { OrderCore, RejectReason } from '@peak/contracts';
import type { DirectDownstream } from './direct-downstream';
import { DownstreamCallError } from './direct-intake.errors';
import type { DirectOutcome } from './direct-order-ledger';
import { FifoPool } from './fifo-pool';

/** How long past the deadline an auth or course call may still answer (work its service started before the deadline). */
export const RPC_GRACE_MS = 2_000;

/** When a request's time is up, on both clocks: this process's (performance.now()) and the wall clock sent to the services. */
export interface ChainDeadline {
  atPerfMs: number;
  atEpochMs: number;
}

/** How a chain ended: the order's final facts, and whether the request should be answered as a timeout or a failed downstream. */
export interface ChainResult {
  outcome: DirectOutcome;
  /** The deadline stopped the chain (answer 504). */
  timedOut: boolean;
  /** A call gave no answer of its contract (answer 503). */
  error: Error | null;
}

/**
 * The synchronous call chain of one direct-mode order: auth's check of the verified buyer (id
 * and token expiry, never the token) → course check and seat
 * hold → payment (through a pool of `paymentPool` concurrent calls) → seat sale. Stops at the
 * next step once the deadline has passed (the deadline also travels with each auth and course
 * call, so a service that reaches the request only after it does nothing), except that a
 * charge already sent completes. A rejected order's seat is released. Never throws. Safe for
 * concurrent use.
 */
export class DirectCallChain {
  private readonly paymentPool: FifoPool;

  constructor(
    private readonly d: DirectDownstream,
    paymentPool: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.paymentPool = new FifoPool(paymentPool);
  }

  /** Runs the chain for `core`, whose buyer's token (verified at intake) expires at `tokenExpiresAtMs`. */
  async run(core: OrderCore, tokenExpiresAtMs: number, deadline: ChainDeadline): Promise<ChainResult> {
    const o: DirectOutcome = {
      orderId: core.orderId, status: 'REJECTED', reason: null, detail: '', authOk: null, courseOk: null, seatHeld: false, amountCents: null,
    };
    /** A hold was sent and its outcome is unknown: release to be sure (idempotent). */
    let seatMaybeHeld = false;
    const reject = async (reason: RejectReason, detail: string, end: { timedOut?: boolean; error?: Error } = {}): Promise<ChainResult> => {
      if (o.seatHeld || seatMaybeHeld) {
        await this.d.releaseSeat(core.orderId).catch(() => false);
        o.seatHeld = false;
      }
      return { outcome: { ...o, status: 'REJECTED', reason, detail }, timedOut: end.timedOut ?? false, error: end.error ?? null };
    };
    const late = (): boolean => this.now() >= deadline.atPerfMs;
    const callTimeout = (): number => Math.max(0, deadline.atPerfMs - this.now()) + RPC_GRACE_MS;
    try {
      const who = await this.d.checkToken(
        { buyerId: core.buyerId, tokenExpiresAtMs, orderCreatedAtMs: core.createdAtMs, deadlineAtMs: deadline.atEpochMs },
        callTimeout(),
      );
      o.authOk = who.ok;
      if (!who.ok) return await reject('AUTH_FAILED', who.detail);
      if (late()) return await reject('TIMEOUT', 'timed out before the course check', { timedOut: true });
      seatMaybeHeld = true;
      const course = await this.d.holdSeat({ order: core, deadlineAtMs: deadline.atEpochMs }, callTimeout());
      seatMaybeHeld = false;
      o.courseOk = course.ok;
      o.seatHeld = course.seatHeld;
      if (!course.ok) return await reject(course.reason || 'COURSE_INVALID', course.detail);
      o.amountCents = course.priceCents;
      if (!(await this.paymentPool.acquire(deadline.atPerfMs))) return await reject('TIMEOUT', 'timed out waiting for the payment service', { timedOut: true });
      let paid;
      try {
        paid = await this.d.charge({
          orderId: core.orderId, buyerId: core.buyerId, courseId: core.courseId, paymentMethod: core.paymentMethod, amountCents: course.priceCents,
        });
      } finally {
        this.paymentPool.release();
      }
      if (!paid.ok) return await reject('PAYMENT_FAILED', paid.detail);
      if (!(await this.d.confirmSeat(core.orderId))) return await reject('TIMEOUT', 'paid, but the seat was no longer held');
      return { outcome: { ...o, status: 'CONFIRMED', reason: null, detail: '' }, timedOut: false, error: null };
    } catch (err) {
      if (err instanceof DownstreamCallError) {
        // 504 from the service: the deadline passed before its turn, nothing was done there.
        if (err.failure === 'deadline') {
          seatMaybeHeld = false;
          return reject('TIMEOUT', `${err.service}: the deadline passed before its turn`, { timedOut: true });
        }
        // No connection: the call was never sent, so it held nothing.
        if (err.failure === 'unreachable') seatMaybeHeld = false;
        return reject('TIMEOUT', err.message, { error: err });
      }
      const error = err instanceof Error ? err : new Error(String(err));
      return reject('TIMEOUT', `a synchronous call failed: ${error.message}`, { error });
    }
  }
}
