import * as bcrypt from 'bcryptjs';
import type { Pool } from 'pg';
import { signHs256 } from '@peak/contracts';

/** Id of the seeded flash-sale course. */
export const FLASH_SALE_COURSE_ID = 'flash-sale-sim';
export const FLASH_SALE_PRICE_CENTS = 990;
/** Password of every seeded buyer (`buyer-<n>`). */
export const BUYER_PASSWORD = 'buyer-pass';
/** bcrypt cost of the seeded buyers' hash: low, the simulation is about orders, not logins. */
const BUYER_BCRYPT_ROUNDS = 4;
/** Buyers who log in over real HTTP (POST /auth/login); the rest get a token signed with the shared secret. */
export const HTTP_LOGINS = 200;
const LOGIN_CONCURRENCY = 16;
/** Lifetime of the tokens issued to the rest of the crowd (auth's default). */
const CROWD_TOKEN_TTL_SECONDS = 3_600;

/** The course the warm-up orders buy (the shop's ordinary business before the sale opens). */
export const WARM_UP_COURSE_ID = 'warm-up-sim';

/** A course with `seats` seats, on sale from a minute ago for a day (the flash-sale course by default). */
export async function seedCourse(pool: Pool, seats: number, courseId = FLASH_SALE_COURSE_ID, title = 'Flash sale: NestJS in depth'): Promise<void> {
  await pool.query(
    `INSERT INTO catalog.courses (course_id, title, price_cents, seats_total, seats_left, sale_starts_at, sale_ends_at)
     VALUES ($1, $4, $2, $3, $3, now() - interval '1 minute', now() + interval '1 day')`,
    [courseId, FLASH_SALE_PRICE_CENTS, seats, title],
  );
}

/** Buyers `buyer-1` … `buyer-<n>` (user ids `b-<n>`), all with BUYER_PASSWORD. */
export async function seedBuyers(pool: Pool, count: number): Promise<void> {
  const hash = await bcrypt.hash(BUYER_PASSWORD, BUYER_BCRYPT_ROUNDS);
  await pool.query(
    `INSERT INTO auth.users (user_id, username, password_hash)
     SELECT 'b-' || i, 'buyer-' || i, $2 FROM generate_series(1, $1::int) AS i`,
    [count, hash],
  );
}

/**
 * Tokens of every buyer: the first HTTP_LOGINS log in over HTTP at `authUrl` (POST
 * /auth/login, as a browser would); the rest get a token of the same form signed with the
 * shared JWT secret (18,000 bcrypt logins would take longer than the sale).
 */
export async function logIn(authUrl: string, jwtSecret: string, count: number): Promise<string[]> {
  const tokens: string[] = new Array<string>(count);
  const overHttp = Math.min(HTTP_LOGINS, count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < overHttp) {
      const i = next++;
      const res = await fetch(`${authUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `buyer-${i + 1}`, password: BUYER_PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`login of buyer-${i + 1} answered ${res.status}: ${await res.text()}`);
      tokens[i] = ((await res.json()) as { token: string }).token;
    }
  };
  await Promise.all(Array.from({ length: LOGIN_CONCURRENCY }, worker));
  for (let i = overHttp; i < count; i++) {
    tokens[i] = signHs256({ sub: `b-${i + 1}`, username: `buyer-${i + 1}` }, jwtSecret, CROWD_TOKEN_TTL_SECONDS);
  }
  return tokens;
}
