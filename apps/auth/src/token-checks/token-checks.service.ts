import { Injectable } from '@nestjs/common';
import { TokensService } from '../login/tokens.service';
import { UsersService } from '../users/users.service';

export type BuyerVerdict = { ok: true; userId: string; detail: '' } | { ok: false; detail: string };

/** Decides whether an order's token proves an existing, not-banned buyer. */
@Injectable()
export class TokenChecksService {
  constructor(
    private readonly tokens: TokensService,
    private readonly users: UsersService,
  ) {}

  async check(buyerId: string, token: string): Promise<BuyerVerdict> {
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
