import type { OrderCore } from '@peak/contracts';
import type { ChargeRequest, ChargeResponse, SeatHoldRequest, SeatHoldResponse, TokenCheckRequest, TokenCheckResponse } from '@peak/contracts/rpc';
import { DirectCallChain, RPC_GRACE_MS } from './direct-call-chain';
import type { DirectDownstream } from './direct-downstream';
import { DownstreamCallError } from './direct-intake.errors';

const core: OrderCore = {
  orderId: '0b6c4f1e-8d1f-4c8e-9a57-1f3f2a9b7c11',
  buyerId: 'u-1',
  courseId: 'c-1',
  paymentMethod: 'alipay',
  idempotencyKey: 'k',
  createdAtMs: 1,
  expectedPriceCents: 0,
};

/** Expiry of the buyer's token, as intake verified it. */
const EXPIRES = 3_600_001;

/** A scripted downstream recording every call. */
class FakeDownstream implements DirectDownstream {
  calls: string[] = [];
  tokenTimeouts: number[] = [];
  tokenRequests: TokenCheckRequest[] = [];
  auth: () => Promise<TokenCheckResponse> = async () => ({ ok: true, userId: 'u-1', detail: '' });
  hold: () => Promise<SeatHoldResponse> = async () => ({ ok: true, reason: '', detail: '', priceCents: 990, seatHeld: true });
  pay: (req: ChargeRequest) => Promise<ChargeResponse> = async (req) => ({ orderId: req.orderId, ok: true, reason: '', detail: '', transactionId: 't' });

  checkToken(req: TokenCheckRequest, timeoutMs: number): Promise<TokenCheckResponse> {
    this.calls.push(`auth:${req.deadlineAtMs}`);
    this.tokenTimeouts.push(timeoutMs);
    this.tokenRequests.push(req);
    return this.auth();
  }
  holdSeat(req: SeatHoldRequest): Promise<SeatHoldResponse> {
    this.calls.push(`hold:${req.deadlineAtMs}`);
    return this.hold();
  }
  async releaseSeat(): Promise<boolean> {
    this.calls.push('release');
    return true;
  }
  async confirmSeat(): Promise<boolean> {
    this.calls.push('confirm');
    return true;
  }
  charge(req: ChargeRequest): Promise<ChargeResponse> {
    this.calls.push(`charge:${req.amountCents}`);
    return this.pay(req);
  }
}

const fail = (service: 'auth' | 'course-validation' | 'payment', failure: DownstreamCallError['failure']) => () =>
  Promise.reject(new DownstreamCallError(service, 'http://x/rpc', failure, 'test'));

describe(DirectCallChain.name, () => {
  let now = 0;
  const deadline = { atPerfMs: 1_000, atEpochMs: 9_000 };
  let d: FakeDownstream;
  let chain: DirectCallChain;

  beforeEach(() => {
    now = 0;
    d = new FakeDownstream();
    chain = new DirectCallChain(d, 4, () => now);
  });

  it('calls auth, holds the seat, charges the locked price and sells the seat; the deadline travels with auth and course calls', async () => {
    const r = await chain.run(core, EXPIRES, deadline);
    expect(r).toMatchObject({ timedOut: false, error: null, outcome: { status: 'CONFIRMED', authOk: true, courseOk: true, seatHeld: true, amountCents: 990 } });
    expect(d.calls).toEqual(['auth:9000', 'hold:9000', 'charge:990', 'confirm']);
    expect(d.tokenTimeouts).toEqual([1_000 + RPC_GRACE_MS]);
  });

  it('asks auth about the verified buyer, its token expiry and the order time, never a token', async () => {
    await chain.run(core, EXPIRES, deadline);
    expect(d.tokenRequests).toEqual([{ buyerId: 'u-1', tokenExpiresAtMs: EXPIRES, orderCreatedAtMs: core.createdAtMs, deadlineAtMs: 9_000 }]);
  });

  it('a rejection by a service rejects the order for its reason and frees a held seat', async () => {
    d.pay = async (req) => ({ orderId: req.orderId, ok: false, reason: 'PAYMENT_FAILED', detail: 'declined', transactionId: '' });
    const r = await chain.run(core, EXPIRES, deadline);
    expect(r.outcome).toMatchObject({ status: 'REJECTED', reason: 'PAYMENT_FAILED', seatHeld: false });
    expect(d.calls).toEqual(['auth:9000', 'hold:9000', 'charge:990', 'release']);
    expect(r.error).toBeNull();
  });

  it('past the deadline after a step, stops before the next one (timed out)', async () => {
    d.auth = async () => {
      now = 1_000;
      return { ok: true, userId: 'u-1', detail: '' };
    };
    const r = await chain.run(core, EXPIRES, deadline);
    expect(r).toMatchObject({ timedOut: true, outcome: { status: 'REJECTED', reason: 'TIMEOUT' } });
    expect(d.calls).toEqual(['auth:9000']);
  });

  it('a 504 from course-validation (its turn came after the deadline) is a timeout with nothing to release', async () => {
    d.hold = fail('course-validation', 'deadline');
    const r = await chain.run(core, EXPIRES, deadline);
    expect(r).toMatchObject({ timedOut: true, error: null, outcome: { reason: 'TIMEOUT', seatHeld: false } });
    expect(d.calls).toEqual(['auth:9000', 'hold:9000']);
  });

  it('an unreachable service rejects the order and reports the failure; nothing was sent, so nothing is released', async () => {
    d.auth = fail('auth', 'unreachable');
    const r = await chain.run(core, EXPIRES, deadline);
    expect(r.error).toBeInstanceOf(DownstreamCallError);
    expect(r.outcome).toMatchObject({ status: 'REJECTED', reason: 'TIMEOUT' });
    expect(r.outcome.detail).toContain('auth');
    expect(d.calls).toEqual(['auth:9000']);
  });

  it('a seat hold with no answer may have held the seat: it is released', async () => {
    d.hold = fail('course-validation', 'timed-out');
    const r = await chain.run(core, EXPIRES, deadline);
    expect(r.error).toBeInstanceOf(DownstreamCallError);
    expect(d.calls).toEqual(['auth:9000', 'hold:9000', 'release']);
  });

  it('a failed charge call releases the held seat and reports the failure', async () => {
    d.pay = fail('payment', 'unreachable');
    const r = await chain.run(core, EXPIRES, deadline);
    expect(r.error).toMatchObject({ service: 'payment', failure: 'unreachable' });
    expect(d.calls).toEqual(['auth:9000', 'hold:9000', 'charge:990', 'release']);
  });

  it('with the payment pool full, a waiter whose deadline passes is cancelled and its seat released; the charge in progress completes', async () => {
    const real = new DirectCallChain(d, 1);
    let finishCharge: () => void = () => undefined;
    d.pay = (req) =>
      new Promise((resolve) => {
        finishCharge = () => resolve({ orderId: req.orderId, ok: true, reason: '', detail: '', transactionId: 't' });
      });
    const soon = { atPerfMs: performance.now() + 50, atEpochMs: Date.now() + 50 };
    const first = real.run(core, EXPIRES, soon);
    const second = real.run({ ...core, orderId: '1b6c4f1e-8d1f-4c8e-9a57-1f3f2a9b7c11' }, EXPIRES, soon);
    await expect(second).resolves.toMatchObject({ timedOut: true, outcome: { reason: 'TIMEOUT', detail: 'timed out waiting for the payment service' } });
    finishCharge();
    await expect(first).resolves.toMatchObject({ outcome: { status: 'CONFIRMED' } });
    expect(d.calls.filter((c) => c === 'release')).toHaveLength(1);
    expect(d.calls.filter((c) => c.startsWith('charge'))).toHaveLength(1);
  });
});
