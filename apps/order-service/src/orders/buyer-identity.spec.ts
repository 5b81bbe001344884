import { createHmac } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { MAX_BUYER_ID_LENGTH, signHs256 } from '@peak/contracts';
import { BuyerIdCache, orderCoreOf, orderIdFor, verifyBuyerToken, verifyBuyerTokenCached } from './buyer-identity';

const secret = 'spec-secret-0123456789';
const jwt = new JwtService({ secret });
/** A fixed clock: 2026-01-01T00:00:00Z. */
const NOW = 1_767_225_600_000;
const body = { courseId: 'c', paymentMethod: 'alipay' as const };
/** A token for `sub` issued at NOW, valid for `ttl` seconds. */
const tokenFor = (sub: string, ttl = 60) => signHs256({ sub, username: sub }, secret, ttl, NOW);
/** A correctly signed HS256 token with exactly `claims` (jsonwebtoken refuses to sign some of them). */
function rawToken(claims: Record<string, unknown>): string {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${head}.${payload}.${createHmac('sha256', secret).update(`${head}.${payload}`).digest('base64url')}`;
}

describe('buyer identity', () => {
  describe(verifyBuyerToken.name, () => {
    it('accepts a valid token: its subject, its expiry in ms, and the order time', () => {
      expect(verifyBuyerToken(secret, tokenFor('u-1'), NOW)).toEqual({ ok: true, buyer: { buyerId: 'u-1', tokenExpiresAtMs: NOW + 60_000, verifiedAtMs: NOW } });
      // As auth's login issues them (jsonwebtoken, expiresIn).
      const issued = jwt.sign({ sub: 'u-alice', username: 'alice' }, { expiresIn: 3600 });
      expect(verifyBuyerToken(secret, issued)).toMatchObject({ ok: true, buyer: { buyerId: 'u-alice' } });
    });

    it.each([
      ['malformed', 'not-a-jwt'],
      ['signature', new JwtService({ secret: 'other-secret-0123456789' }).sign({ sub: 'u-1', exp: NOW / 1000 + 60 })],
      ['algorithm', `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"u"}').toString('base64url')}.`],
      ['expired', signHs256({ sub: 'u-1', username: 'u' }, secret, 10, NOW - 20_000)],
      ['no-expiry', jwt.sign({ sub: 'u-1', iat: NOW / 1000 })],
      ['no-expiry', rawToken({ sub: 'u-1', exp: 'tomorrow' })],
      ['not-yet-valid', jwt.sign({ sub: 'u-1', exp: NOW / 1000 + 60, nbf: NOW / 1000 + 30 })],
      ['subject', tokenFor('')],
      ['no-expiry', rawToken({ sub: 'u-1', exp: 1e300 })],
      ['subject', rawToken({ exp: NOW / 1000 + 60 })],
      ['subject', rawToken({ sub: 42, exp: NOW / 1000 + 60 })],
      ['subject', tokenFor('x'.repeat(8_000))],
      ['subject', tokenFor('x'.repeat(MAX_BUYER_ID_LENGTH + 1))],
      ['subject', tokenFor('u\u00001')],
    ])('refuses %s', (problem, token) => {
      const verdict = verifyBuyerToken(secret, token, NOW);
      expect(verdict).toMatchObject({ ok: false, problem, message: expect.any(String) });
    });

    it('accepts a subject of exactly the bound', () => {
      expect(verifyBuyerToken(secret, tokenFor('x'.repeat(MAX_BUYER_ID_LENGTH)), NOW).ok).toBe(true);
    });

    it('a token is expired from its exp second on, as verifyHs256 counts (fractional exp: the next second)', () => {
      const token = tokenFor('u-1', 1);
      expect(verifyBuyerToken(secret, token, NOW + 999).ok).toBe(true);
      expect(verifyBuyerToken(secret, token, NOW + 1_000)).toMatchObject({ ok: false, problem: 'expired' });
      const fractional = jwt.sign({ sub: 'u-1', exp: NOW / 1000 + 1.5 });
      expect(verifyBuyerToken(secret, fractional, NOW + 1_999)).toMatchObject({ ok: true, buyer: { tokenExpiresAtMs: NOW + 2_000 } });
      expect(verifyBuyerToken(secret, fractional, NOW + 2_000)).toMatchObject({ ok: false, problem: 'expired' });
    });
  });

  it('derives one stable UUID per (buyer, key) and different ones otherwise', () => {
    const id = orderIdFor('u-1', 'k-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(orderIdFor('u-1', 'k-1')).toBe(id);
    expect(new Set([id, orderIdFor('u-2', 'k-1'), orderIdFor('u-1', 'k-2'), orderIdFor('u-1\nk', '-1')]).size).toBe(4);
  });

  it('keeps the ids it has always derived (stored orders and repeated keys depend on them)', () => {
    expect(orderIdFor('u-1', 'k-1')).toBe('38632c1b-3484-81ea-bf6d-e8f35382cd6e');
    expect(orderIdFor('bench-7', 'ünï-κey')).toBe('36c4319d-6f9d-8d6b-a691-bf75d7dfb7da');
  });

  it('an order is the verified buyer\'s, created when its token was verified', () => {
    const buyer = { buyerId: 'u-3', tokenExpiresAtMs: NOW + 60_000, verifiedAtMs: NOW };
    expect(orderCoreOf(buyer, 'k', { ...body, expectedPriceCents: 990 })).toEqual({
      orderId: orderIdFor('u-3', 'k'), buyerId: 'u-3', courseId: 'c', paymentMethod: 'alipay', idempotencyKey: 'k', createdAtMs: NOW, expectedPriceCents: 990,
    });
  });

  describe('BuyerIdCache', () => {
    it('answers exactly what verifyBuyerToken answers, first time and again', () => {
      const cache = new BuyerIdCache(secret);
      const tokens = [tokenFor('u-1'), tokenFor('u-2', -5), new JwtService({ secret: 'other-secret-0123456789' }).sign({ sub: 'u-1' }), 'garbage', tokenFor('x'.repeat(8_000))];
      for (const token of tokens) {
        expect(cache.verify(token, NOW)).toEqual(verifyBuyerToken(secret, token, NOW));
        expect(cache.verify(token, NOW + 1)).toEqual(verifyBuyerToken(secret, token, NOW + 1));
      }
      expect(cache.size).toBe(1);
    });

    it('never serves a token after its expiry: the same token is refused from the second it expires', () => {
      const cache = new BuyerIdCache(secret);
      const token = tokenFor('u-1', 1);
      expect(cache.verify(token, NOW)).toMatchObject({ ok: true, buyer: { buyerId: 'u-1', verifiedAtMs: NOW } });
      expect(cache.verify(token, NOW + 999)).toMatchObject({ ok: true, buyer: { verifiedAtMs: NOW + 999 } });
      expect(cache.verify(token, NOW + 1_000)).toMatchObject({ ok: false, problem: 'expired' });
      expect(cache.size).toBe(0);
    });

    it('holds at most its limit, forgetting the oldest token first', () => {
      const cache = new BuyerIdCache(secret, 2);
      const tokens = ['a', 'b', 'c'].map((sub) => tokenFor(sub));
      for (const t of tokens) cache.verify(t, NOW);
      expect(cache.size).toBe(2);
      expect(cache.verify(tokens[2], NOW)).toMatchObject({ ok: true, buyer: { buyerId: 'c' } });
      expect(cache.verify(tokens[0], NOW)).toMatchObject({ ok: true, buyer: { buyerId: 'a' } });
      expect(cache.size).toBe(2);
    });

    it('is per secret: a token verified under one secret is not trusted under another', () => {
      const token = tokenFor('u-3');
      expect(verifyBuyerTokenCached(secret, token, NOW)).toMatchObject({ ok: true, buyer: { buyerId: 'u-3' } });
      expect(verifyBuyerTokenCached('another-secret-0123456789', token, NOW)).toMatchObject({ ok: false, problem: 'signature' });
    });
  });
});
