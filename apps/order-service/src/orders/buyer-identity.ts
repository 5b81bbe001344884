import { hash } from 'node:crypto';
import { OrderCore, UNVERIFIED_BUYER_PREFIX, verifyHs256 } from '@peak/contracts';
import type { CreateOrderDto } from './create-order.dto';

/** Length of the hash kept for unverifiable tokens. */
const UNVERIFIED_HASH_CHARS = 32;
/** Tokens whose buyer id intake remembers (about 300 bytes each); the oldest is forgotten first. */
export const BUYER_ID_CACHE_TOKENS = 50_000;

/**
 * Who is buying, as far as intake can tell without a database: the subject of a token
 * whose signature verifies (even if expired: auth rejects it later), otherwise a hash of
 * the token itself. Intake never rejects a well-formed Bearer token; auth decides.
 * Pure and thread-safe.
 */
export function buyerIdOf(secret: string, token: string): string {
  const verdict = verifyHs256(token, secret);
  const claims = verdict.valid || verdict.reason === 'expired' || verdict.reason === 'not-yet-valid' ? verdict.claims : undefined;
  if (claims && typeof claims.sub === 'string' && claims.sub.length > 0) return claims.sub;
  return UNVERIFIED_BUYER_PREFIX + hash('sha256', token, 'hex').slice(0, UNVERIFIED_HASH_CHARS);
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

/**
 * buyerIdOf with a memory: the buyer id of a token depends on nothing but the token and the
 * secret (an expired token still names its verified subject), so a token seen again skips
 * the HMAC and the JSON parsing. Holds at most `maxTokens`, forgetting the oldest first.
 * Not shared between threads (one per secret per process).
 */
export class BuyerIdCache {
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly secret: string,
    private readonly maxTokens = BUYER_ID_CACHE_TOKENS,
  ) {}

  buyerIdOf(token: string): string {
    const known = this.ids.get(token);
    if (known !== undefined) return known;
    const buyerId = buyerIdOf(this.secret, token);
    if (this.ids.size >= this.maxTokens) this.ids.delete(this.ids.keys().next().value as string);
    this.ids.set(token, buyerId);
    return buyerId;
  }

  get size(): number {
    return this.ids.size;
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

/** The order a request stands for, as both intake modes record it: id from (buyer, key), created now. */
export function orderCoreOf(secret: string, token: string, idempotencyKey: string, body: CreateOrderDto): OrderCore {
  const buyerId = cacheFor(secret).buyerIdOf(token);
  return {
    orderId: orderIdFor(buyerId, idempotencyKey),
    buyerId,
    courseId: body.courseId,
    paymentMethod: body.paymentMethod,
    idempotencyKey,
    createdAtMs: Date.now(),
    expectedPriceCents: body.expectedPriceCents ?? 0,
  };
}
