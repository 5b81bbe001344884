import { JwtService } from '@nestjs/jwt';
import { signHs256, verifyHs256 } from './hs256-token';

const secret = 'spec-secret-0123456789';
const jwt = new JwtService({ secret });

describe(verifyHs256.name, () => {
  it('accepts a token signed by jsonwebtoken with the same secret', () => {
    const verdict = verifyHs256(jwt.sign({ sub: 'u-1', username: 'alice' }, { expiresIn: 60 }), secret);
    expect(verdict).toMatchObject({ valid: true, claims: { sub: 'u-1', username: 'alice' } });
  });

  it('rejects another secret, a tampered payload, garbage and alg none', () => {
    const token = jwt.sign({ sub: 'u-1' });
    expect(verifyHs256(token, 'another-secret-0123456789')).toMatchObject({ valid: false, reason: 'signature' });
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url')}.${s}`;
    expect(verifyHs256(forged, secret)).toMatchObject({ valid: false, reason: 'signature' });
    expect(verifyHs256('not-a-jwt', secret)).toMatchObject({ valid: false, reason: 'malformed' });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"u"}').toString('base64url')}.`;
    expect(verifyHs256(none, secret)).toMatchObject({ valid: false, reason: 'algorithm' });
  });

  it('reports an expired token with its claims', () => {
    const verdict = verifyHs256(jwt.sign({ sub: 'u-2' }, { expiresIn: 10 }), secret, Date.now() + 20_000);
    expect(verdict).toMatchObject({ valid: false, reason: 'expired', claims: { sub: 'u-2' } });
  });
});

describe(signHs256.name, () => {
  it('issues what jsonwebtoken issues and accepts, with iat and exp', () => {
    const now = 1_800_000_000_000;
    const token = signHs256({ sub: 'u-3', username: 'carol' }, secret, 60, now);
    const same = jwt.sign({ sub: 'u-3', username: 'carol', iat: now / 1000 }, { expiresIn: 60 });
    expect(token).toBe(same);
    expect(jwt.verify(token, { ignoreExpiration: true })).toMatchObject({ sub: 'u-3', exp: now / 1000 + 60 });
    expect(verifyHs256(token, secret, now)).toMatchObject({ valid: true, claims: { sub: 'u-3' } });
    expect(verifyHs256(token, secret, now + 61_000)).toMatchObject({ valid: false, reason: 'expired' });
  });
});
