import { hash } from 'node:crypto';
import { buyerIdProblem, OrderCore, verifyHs256 } from '@peak/contracts';
import type { CreateOrderDto } from './create-order.dto';

/** Tokens whose verification intake remembers (about 300 bytes each); the oldest is forgotten first. */
export const BUYER_ID_CACHE_TOKENS = 50_000;
/** Largest `exp` accepted (seconds): its milliseconds must stay an exact integer. */
const MAX_EXP_SECONDS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/** What a Bearer token proved at intake: who is buying, until when the token holds, and when it was checked. */
export interface VerifiedBuyer {
  /** The token's subject (non-empty, at most MAX_BUYER_ID_LENGTH characters, no control characters). */
  buyerId: string;
  /** When the token expires, epoch milliseconds (its `exp`, a whole second). */
  tokenExpiresAtMs: number;
  /** When intake found the token valid, epoch milliseconds: the order's time (before tokenExpiresAtMs). */
  verifiedAtMs: number;
}

/** Why intake refuses a Bearer token (answered 401 with this code and a message). */
export type BuyerTokenProblem = 'missing' | 'malformed' | 'algorithm' | 'signature' | 'expired' | 'not-yet-valid' | 'no-expiry' | 'subject';

export type BuyerTokenVerdict = { ok: true; buyer: VerifiedBuyer } | { ok: false; problem: BuyerTokenProblem; message: string };

const MESSAGES: Readonly<Record<Exclude<BuyerTokenProblem, 'subject'>, string>> = {
  missing: 'Authorization: Bearer <token> is required',
  malformed: 'the Bearer token is not a well-formed JWT',
  algorithm: 'the Bearer token is not signed with HS256',
  signature: 'the Bearer token signature does not verify',
  expired: 'the Bearer token has expired',
  'not-yet-valid': 'the Bearer token is not valid yet (nbf)',
  'no-expiry': 'the Bearer token has no valid expiry (exp)',
};

const refuse = (problem: Exclude<BuyerTokenProblem, 'subject'>): BuyerTokenVerdict => ({ ok: false, problem, message: MESSAGES[problem] });

/**
 * Decides whether a Bearer token lets its holder order at `nowMs`: an HS256 signature with the
 * shared secret, an `exp` that is a number of seconds still in the future, no `nbf` in the
 * future, and a `sub` that is a sane buyer id (buyerIdProblem). Intake is the one place that
 * decides this; the event then carries the subject and expiry, never the token. Pure and
 * thread-safe; one HMAC.
 */
export function verifyBuyerToken(secret: string, token: string, nowMs: number = Date.now()): BuyerTokenVerdict {
  const verdict = verifyHs256(token, secret, nowMs);
  if (!verdict.valid) return refuse(verdict.reason);
  const { sub, exp } = verdict.claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0 || exp > MAX_EXP_SECONDS) return refuse('no-expiry');
  // verifyHs256 compares whole seconds (floor(now / 1000) >= exp): for a fractional exp that is
  // the next whole second, so the expiry in milliseconds is ceil(exp) seconds.
  const tokenExpiresAtMs = Math.ceil(exp) * 1000;
  if (nowMs >= tokenExpiresAtMs) return refuse('expired');
  const subjectProblem = buyerIdProblem(sub);
  if (subjectProblem !== null) return { ok: false, problem: 'subject', message: `the Bearer token's ${subjectProblem}` };
  return { ok: true, buyer: { buyerId: sub, tokenExpiresAtMs, verifiedAtMs: nowMs } };
}

/**
 * The order id of (buyer, Idempotency-Key): a UUID (version 8, name-based) from SHA-256.
 * The same buyer repeating a key always gets the same order, with no lookup.
 */
export function orderIdFor(buyerId: string, idempotencyKey: string): string {
  const h = hash('sha256', `${buyerId}\n${idempotencyKey}`, 'buffer');
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

interface CachedBuyer {
  buyerId: string;
  tokenExpiresAtMs: number;
}

/**
 * verifyBuyerToken with a memory: a token seen again skips the HMAC and the JSON parsing.
 * Only tokens that verified are remembered, with their expiry; a remembered token is served
 * only while `now` is before that expiry (then it is forgotten and verified again, which
 * refuses it as expired). Refusals are not remembered: anyone can make new bad tokens, and
 * they must not push good ones out. Holds at most `maxTokens`, forgetting the oldest first.
 * Not shared between threads (one per secret per process).
 */
export class BuyerIdCache {
  private readonly buyers = new Map<string, CachedBuyer>();

  constructor(
    private readonly secret: string,
    private readonly maxTokens = BUYER_ID_CACHE_TOKENS,
  ) {}

  verify(token: string, nowMs: number = Date.now()): BuyerTokenVerdict {
    const known = this.buyers.get(token);
    if (known !== undefined) {
      if (nowMs < known.tokenExpiresAtMs) return { ok: true, buyer: { buyerId: known.buyerId, tokenExpiresAtMs: known.tokenExpiresAtMs, verifiedAtMs: nowMs } };
      this.buyers.delete(token);
    }
    const verdict = verifyBuyerToken(this.secret, token, nowMs);
    if (verdict.ok) {
      if (this.buyers.size >= this.maxTokens) this.buyers.delete(this.buyers.keys().next().value as string);
      this.buyers.set(token, { buyerId: verdict.buyer.buyerId, tokenExpiresAtMs: verdict.buyer.tokenExpiresAtMs });
    }
    return verdict;
  }

  get size(): number {
    return this.buyers.size;
  }
}

const caches = new Map<string, BuyerIdCache>();

/** The process's BuyerIdCache for `secret`. */
function cacheFor(secret: string): BuyerIdCache {
  let cache = caches.get(secret);
  if (!cache) {
    cache = new BuyerIdCache(secret);
    caches.set(secret, cache);
  }
  return cache;
}

/** verifyBuyerToken through this process's cache for `secret` (what intake uses on every request). */
export function verifyBuyerTokenCached(secret: string, token: string, nowMs: number = Date.now()): BuyerTokenVerdict {
  return cacheFor(secret).verify(token, nowMs);
}

/** The order a request stands for, as both intake modes record it: id from (buyer, key), created when its token was verified. */
export function orderCoreOf(buyer: VerifiedBuyer, idempotencyKey: string, body: CreateOrderDto): OrderCore {
  return {
    orderId: orderIdFor(buyer.buyerId, idempotencyKey),
    buyerId: buyer.buyerId,
    courseId: body.courseId,
    paymentMethod: body.paymentMethod,
    idempotencyKey,
    createdAtMs: buyer.verifiedAtMs,
    expectedPriceCents: body.expectedPriceCents ?? 0,
  };
}
