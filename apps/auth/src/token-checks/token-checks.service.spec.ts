import type { ConfigType } from '@nestjs/config';
import { MAX_BUYER_ID_LENGTH } from '@peak/contracts';
import type { authConfig } from '../config/auth.config';
import type { UsersService, UserStanding } from '../users/users.service';
import { TokenChecksService } from './token-checks.service';

const HOUR_MS = 3_600_000;
const USERS: Record<string, UserStanding> = {
  'u-alice': { exists: true, banned: false },
  'u-mallory': { exists: true, banned: true },
};

/** auth's check over an in-memory user table, recording every lookup. */
function checks(): { service: TokenChecksService; lookups: string[] } {
  const lookups: string[] = [];
  const users = {
    standing: async (id: string) => {
      lookups.push(id);
      return USERS[id] ?? { exists: false, banned: false };
    },
  } as unknown as UsersService;
  const config = { checkRps: 0, checkConcurrency: 0 } as ConfigType<typeof authConfig>;
  return { service: new TokenChecksService(users, config), lookups };
}

describe(TokenChecksService.name, () => {
  it('judges the token against the order\'s time, not the clock: an order placed 1 s before its token expired, consumed hours later, passes', async () => {
    const { service } = checks();
    const orderCreatedAtMs = Date.now() - 2 * HOUR_MS;
    const verdict = await service.check({ buyerId: 'u-alice', tokenExpiresAtMs: orderCreatedAtMs + 1_000, orderCreatedAtMs });
    expect(verdict).toEqual({ ok: true, userId: 'u-alice', detail: '' });
  });

  it('rejects an order placed at or after its token\'s expiry (defence in depth: intake refuses those)', async () => {
    const { service, lookups } = checks();
    const at = Date.now();
    expect(await service.check({ buyerId: 'u-alice', tokenExpiresAtMs: at, orderCreatedAtMs: at })).toEqual({ ok: false, detail: 'the token had expired when the order was placed' });
    expect(await service.check({ buyerId: 'u-alice', tokenExpiresAtMs: at - 1, orderCreatedAtMs: at })).toMatchObject({ ok: false });
    expect(lookups).toEqual([]);
  });

  it('rejects an order without a verified token expiry (an event from before intake verified tokens)', async () => {
    const { service } = checks();
    expect(await service.check({ buyerId: 'u-alice', tokenExpiresAtMs: 0, orderCreatedAtMs: 1 })).toEqual({ ok: false, detail: 'the order carries no verified token expiry' });
  });

  it('rejects unknown and banned users', async () => {
    const { service } = checks();
    const at = Date.now();
    expect(await service.check({ buyerId: 'u-nobody', tokenExpiresAtMs: at + HOUR_MS, orderCreatedAtMs: at })).toEqual({ ok: false, detail: 'unknown user' });
    expect(await service.check({ buyerId: 'u-mallory', tokenExpiresAtMs: at + HOUR_MS, orderCreatedAtMs: at })).toEqual({ ok: false, detail: 'user is banned' });
  });

  it('rejects an absurd buyer id without asking the database (it would fail the batched lookup of its neighbours)', async () => {
    const { service, lookups } = checks();
    const at = Date.now();
    for (const buyerId of ['', 'x'.repeat(MAX_BUYER_ID_LENGTH + 1), 'u\u0000x']) {
      expect(await service.check({ buyerId, tokenExpiresAtMs: at + HOUR_MS, orderCreatedAtMs: at })).toMatchObject({ ok: false, detail: expect.stringMatching(/^invalid buyer/) });
    }
    expect(lookups).toEqual([]);
  });
});
