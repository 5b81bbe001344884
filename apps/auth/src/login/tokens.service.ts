import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { TOKEN_ALGORITHM } from '@peak/contracts';
import { authConfig } from '../config/auth.config';

/**
 * Issues buyer tokens: HS256 with JWT_SECRET, always with `exp` (JWT_TTL_SECONDS, at least 1 s
 * by config): order-service's intake refuses a token without one. Tokens are verified at
 * intake (order-service), not here: orders carry the verified buyer, never the token.
 * Stateless and thread-safe.
 */
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
}
