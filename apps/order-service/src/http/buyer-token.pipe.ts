import { Inject, Injectable, PipeTransform, UnauthorizedException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { orderServiceConfig } from '../config/order-service.config';
import { BuyerTokenProblem, VerifiedBuyer, verifyBuyerTokenCached } from '../orders/buyer-identity';

/** The 401 answer for a refused Bearer token: JSON naming the problem (`problem`) and saying it (`message`). */
export function buyerTokenRefused(problem: BuyerTokenProblem, message: string): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message, problem });
}

/**
 * Turns the request's Bearer token into the buyer it proves, or answers 401: intake decides,
 * at the order's time, that the token is well formed, signed with JWT_SECRET, carries an
 * `exp` still in the future and a sane `sub` (see verifyBuyerToken). No database, one HMAC
 * per new token (a token seen before is served from the process's cache until it expires).
 * Use as `@BearerToken(BuyerTokenPipe) buyer: VerifiedBuyer`. Stateless; thread-safe.
 */
@Injectable()
export class BuyerTokenPipe implements PipeTransform<string, VerifiedBuyer> {
  private readonly secret: string;

  constructor(@Inject(orderServiceConfig.KEY) config: ConfigType<typeof orderServiceConfig>) {
    this.secret = config.jwtSecret;
  }

  transform(token: string): VerifiedBuyer {
    const verdict = verifyBuyerTokenCached(this.secret, token);
    if (!verdict.ok) throw buyerTokenRefused(verdict.problem, verdict.message);
    return verdict.buyer;
  }
}
