import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BuyerTokenClaims } from './token.contract';

export type Hs256Verdict =
  | { valid: true; claims: BuyerTokenClaims }
  | { valid: false; reason: 'malformed' | 'algorithm' | 'signature' | 'expired' | 'not-yet-valid'; claims?: BuyerTokenClaims };

const EXPECTED_ALG = 'HS256';

function decodeJson(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/**
 * Verifies an HS256 JWT (RFC 7519) with node:crypto directly: a few microseconds, where
 * jsonwebtoken spends most of its time building a KeyObject from the secret on every call.
 * Checks the algorithm, the signature (constant time), `exp` and `nbf`. Pure; thread-safe.
 * When the signature is valid but the token expired, the claims are returned with the verdict.
 */
export function verifyHs256(token: string, secret: string, nowMs: number = Date.now()): Hs256Verdict {
  const parts = token.split('.');
  if (parts.length !== 3) return { valid: false, reason: 'malformed' };
  const [header64, payload64, signature64] = parts;
  let header: { alg?: unknown };
  let claims: BuyerTokenClaims;
  try {
    header = decodeJson(header64) as { alg?: unknown };
    claims = decodeJson(payload64) as BuyerTokenClaims;
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (!header || typeof header !== 'object' || !claims || typeof claims !== 'object') return { valid: false, reason: 'malformed' };
  if (header.alg !== EXPECTED_ALG) return { valid: false, reason: 'algorithm' };
  const expected = createHmac('sha256', secret).update(`${header64}.${payload64}`).digest();
  const given = Buffer.from(signature64, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'signature' };
  const nowSec = Math.floor(nowMs / 1000);
  if (typeof claims.exp === 'number' && nowSec >= claims.exp) return { valid: false, reason: 'expired', claims };
  const nbf = (claims as { nbf?: unknown }).nbf;
  if (typeof nbf === 'number' && nowSec < nbf) return { valid: false, reason: 'not-yet-valid', claims };
  return { valid: true, claims };
}

/**
 * Signs `claims` as an HS256 JWT (the form auth's login issues and verifyHs256 checks), adding
 * `iat` and `exp` (`ttlSeconds` later: intake refuses tokens without `exp`). For tools that
 * issue buyers' tokens with the shared secret (the flash-sale simulation's crowd); services
 * issue theirs through auth. Pure.
 */
export function signHs256(claims: BuyerTokenClaims, secret: string, ttlSeconds: number, nowMs: number = Date.now()): string {
  const iat = Math.floor(nowMs / 1000);
  const body: BuyerTokenClaims = { ...claims, iat, exp: iat + ttlSeconds };
  const header64 = Buffer.from(JSON.stringify({ alg: EXPECTED_ALG, typ: 'JWT' })).toString('base64url');
  const payload64 = Buffer.from(JSON.stringify(body)).toString('base64url');
  const signature64 = createHmac('sha256', secret).update(`${header64}.${payload64}`).digest('base64url');
  return `${header64}.${payload64}.${signature64}`;
}
