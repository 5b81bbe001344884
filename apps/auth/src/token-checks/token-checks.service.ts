import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { buyerIdProblem } from '@peak/contracts';
import { AcquireOptions, StageCapacity } from '@peak/platform';
import { authConfig } from '../config/auth.config';
import { UsersService } from '../users/users.service';

export type BuyerVerdict = { ok: true; userId: string; detail: '' } | { ok: false; detail: string };

/** What auth is asked about one order: the buyer intake verified, until when its token held, and the order's time. */
export interface BuyerCheck {
  buyerId: string;
  /** Epoch ms; 0 when the order carries none (an event written before intake verified tokens). */
  tokenExpiresAtMs: number;
  /** The order's time (`OrderCore.createdAtMs`), epoch ms. */
  orderCreatedAtMs: number;
}

/** Name of auth's stage in capacity reports. */
export const AUTH_CHECK_STAGE = 'auth-check';

/**
 * Decides whether an order's buyer may buy. Intake verified the token (signature, expiry,
 * subject) when the order was placed; auth checks, against the order's own time and never
 * the clock at consume time, that the token had not expired then (defence in depth), and
 * that the user exists and is not banned. A backlog older than the token lifetime therefore
 * never rejects a valid order. Every check, from the event consumer or the RPC endpoint
 * alike, first waits for the stage's capacity (AUTH_CHECK_RPS, AUTH_CHECK_CONCURRENCY; first
 * come first served), then joins the batched user lookup. Safe for concurrent use.
 */
@Injectable()
export class TokenChecksService {
  readonly capacity: StageCapacity;

  constructor(
    private readonly users: UsersService,
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
  ) {
    this.capacity = new StageCapacity(AUTH_CHECK_STAGE, { ratePerSecond: config.checkRps, concurrency: config.checkConcurrency });
  }

  /** Checks one order's buyer; rejects with CapacityWaitCancelledError (nothing checked) when `options.cancelled` says so at its turn. */
  check(order: BuyerCheck, options?: AcquireOptions): Promise<BuyerVerdict> {
    return this.capacity.run(() => this.decide(order), options);
  }

  private async decide({ buyerId, tokenExpiresAtMs, orderCreatedAtMs }: BuyerCheck): Promise<BuyerVerdict> {
    // Refused before the database: such an id fails the lookup for every order in its batch.
    const idProblem = buyerIdProblem(buyerId);
    if (idProblem !== null) return { ok: false, detail: `invalid buyer: ${idProblem}` };
    if (!(tokenExpiresAtMs > 0)) return { ok: false, detail: 'the order carries no verified token expiry' };
    if (!(orderCreatedAtMs < tokenExpiresAtMs)) return { ok: false, detail: 'the token had expired when the order was placed' };
    const standing = await this.users.standing(buyerId);
    if (!standing.exists) return { ok: false, detail: 'unknown user' };
    if (standing.banned) return { ok: false, detail: 'user is banned' };
    return { ok: true, userId: buyerId, detail: '' };
  }
}
