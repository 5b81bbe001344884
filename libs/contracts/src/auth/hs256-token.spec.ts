import { JwtService } from '@nestjs/jwt';
import { verifyHs256 } from './hs256-token';

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
