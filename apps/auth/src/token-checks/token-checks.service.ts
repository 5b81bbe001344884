import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AcquireOptions, StageCapacity } from '@peak/platform';
import { authConfig } from '../config/auth.config';
import { TokensService } from '../login/tokens.service';
import { UsersService } from '../users/users.service';

export type BuyerVerdict = { ok: true; userId: string; detail: '' } | { ok: false; detail: string };

/** Name of auth's stage in capacity reports. */
export const AUTH_CHECK_STAGE = 'auth-check';

/**
 * Decides whether an order's token proves an existing, not-banned buyer. Every check, from
 * the event consumer or the RPC endpoint alike, first waits for the stage's capacity
 * (AUTH_CHECK_RPS, AUTH_CHECK_CONCURRENCY; first come first served), then joins the batched
 * user lookup. Safe for concurrent use.
 */
@Injectable()
export class TokenChecksService {
  readonly capacity: StageCapacity;

  constructor(
    private readonly tokens: TokensService,
    private readonly users: UsersService,
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
  ) {
    this.capacity = new StageCapacity(AUTH_CHECK_STAGE, { ratePerSecond: config.checkRps, concurrency: config.checkConcurrency });
  }

  /** Checks one order's buyer; rejects with CapacityWaitCancelledError (nothing checked) when `options.cancelled` says so at its turn. */
  check(buyerId: string, token: string, options?: AcquireOptions): Promise<BuyerVerdict> {
    return this.capacity.run(() => this.decide(buyerId, token), options);
  }

  private async decide(buyerId: string, token: string): Promise<BuyerVerdict> {
    const verdict = this.tokens.verify(token);
    if (!verdict.valid) return { ok: false, detail: `invalid token: ${verdict.detail}` };
    const userId = verdict.claims.sub;
    if (userId !== buyerId) return { ok: false, detail: 'token subject does not match the buyer' };
    const standing = await this.users.standing(userId);
    if (!standing.exists) return { ok: false, detail: 'unknown user' };
    if (standing.banned) return { ok: false, detail: 'user is banned' };
    return { ok: true, userId, detail: '' };
  }
}
