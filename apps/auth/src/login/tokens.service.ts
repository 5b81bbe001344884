import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { BuyerTokenClaims, TOKEN_ALGORITHM, verifyHs256 } from '@peak/contracts';
import { authConfig } from '../config/auth.config';

export type TokenVerdict = { valid: true; claims: BuyerTokenClaims } | { valid: false; detail: string };

/** Issues and verifies buyer tokens (HS256, secret and lifetime from config). Stateless and thread-safe. */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  issue(userId: string, username: string): string {
    return this.jwt.sign(
      { sub: userId, username },
      { secret: this.config.jwtSecret, algorithm: TOKEN_ALGORITHM, expiresIn: this.config.tokenTtlSeconds },
    );
  }

  /** Signature, algorithm, expiry and subject; HMAC checked directly (jsonwebtoken is too slow per message). */
  verify(token: string): TokenVerdict {
    const verdict = verifyHs256(token, this.config.jwtSecret);
    if (!verdict.valid) return { valid: false, detail: `token ${verdict.reason}` };
    if (typeof verdict.claims.sub !== 'string' || verdict.claims.sub.length === 0) return { valid: false, detail: 'token has no subject' };
    return { valid: true, claims: verdict.claims };
  }
}
