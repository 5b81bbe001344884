import { JwtService } from '@nestjs/jwt';
import { UNVERIFIED_BUYER_PREFIX } from '@peak/contracts';
import { BuyerIdCache, buyerIdOf, orderCoreOf, orderIdFor } from './buyer-identity';

const secret = 'spec-secret-0123456789';
const jwt = new JwtService({ secret });

describe('buyer identity', () => {
  it('uses the subject of a verified token, expired or not', () => {
    expect(buyerIdOf(secret, jwt.sign({ sub: 'u-1' }))).toBe('u-1');
    expect(buyerIdOf(secret, jwt.sign({ sub: 'u-1' }, { expiresIn: -5 }))).toBe('u-1');
  });

  it('never trusts the subject of a token it cannot verify', () => {
    const forged = new JwtService({ secret: 'other-secret-0123456789' }).sign({ sub: 'u-1' });
    expect(buyerIdOf(secret, forged)).toMatch(new RegExp(`^${UNVERIFIED_BUYER_PREFIX}[0-9a-f]{32}$`));
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
    expect(buyerIdOf(secret, 'not.a.jwt')).toBe(`${UNVERIFIED_BUYER_PREFIX}5f445929ea1ad2478072739933c9224f`);
  });

  describe('BuyerIdCache', () => {
    const forged = new JwtService({ secret: 'other-secret-0123456789' }).sign({ sub: 'u-1' });
    const expired = jwt.sign({ sub: 'u-2' }, { expiresIn: -5 });

    it('answers exactly what buyerIdOf answers, first time and again', () => {
      const cache = new BuyerIdCache(secret);
      for (const token of [jwt.sign({ sub: 'u-1' }), expired, forged, 'garbage']) {
        expect(cache.buyerIdOf(token)).toBe(buyerIdOf(secret, token));
        expect(cache.buyerIdOf(token)).toBe(buyerIdOf(secret, token));
      }
    });

    it('holds at most its limit, forgetting the oldest token first', () => {
      const cache = new BuyerIdCache(secret, 2);
      const tokens = ['a', 'b', 'c'].map((sub) => jwt.sign({ sub }));
      for (const t of tokens) cache.buyerIdOf(t);
      expect(cache.size).toBe(2);
      expect(cache.buyerIdOf(tokens[2])).toBe('c');
      expect(cache.buyerIdOf(tokens[0])).toBe('a');
      expect(cache.size).toBe(2);
    });

    it('is per secret: a token verified under one secret is not trusted under another', () => {
      const token = jwt.sign({ sub: 'u-3' });
      expect(orderCoreOf(secret, token, 'k', { courseId: 'c', paymentMethod: 'alipay' }).buyerId).toBe('u-3');
      expect(orderCoreOf('another-secret-0123456789', token, 'k', { courseId: 'c', paymentMethod: 'alipay' }).buyerId).toMatch(new RegExp(`^${UNVERIFIED_BUYER_PREFIX}`));
    });
  });
});
