import { createHash } from 'node:crypto';
import { OrderCore, UNVERIFIED_BUYER_PREFIX, verifyHs256 } from '@peak/contracts';
import type { CreateOrderDto } from './create-order.dto';

/** Length of the hash kept for unverifiable tokens. */
const UNVERIFIED_HASH_CHARS = 32;

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
  return UNVERIFIED_BUYER_PREFIX + createHash('sha256').update(token).digest('hex').slice(0, UNVERIFIED_HASH_CHARS);
}

/**
 * The order id of (buyer, Idempotency-Key): a UUID (version 8, name-based) from SHA-256.
 * The same buyer repeating a key always gets the same order, with no lookup.
 */
export function orderIdFor(buyerId: string, idempotencyKey: string): string {
  const h = createHash('sha256').update(buyerId).update('\n').update(idempotencyKey).digest();
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The order a request stands for, as both intake modes record it: id from (buyer, key), created now. */
export function orderCoreOf(secret: string, token: string, idempotencyKey: string, body: CreateOrderDto): OrderCore {
  const buyerId = buyerIdOf(secret, token);
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
