import { JwtService } from '@nestjs/jwt';
import { UNVERIFIED_BUYER_PREFIX } from '@peak/contracts';
import { buyerIdOf, orderIdFor } from './buyer-identity';

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
});
