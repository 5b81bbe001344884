import { registerAs } from '@nestjs/config';
import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { validateEnv } from '@peak/database';

/** Development default; set JWT_SECRET in any shared environment. */
export const DEV_JWT_SECRET = 'peak-dev-secret-change-me';
export const DEFAULT_TOKEN_TTL_SECONDS = 3_600;
/** bcrypt cost of seeded and new password hashes. */
export const BCRYPT_ROUNDS = 10;
export const AUTH_DATA_SOURCE = 'auth';
/** Capacity of the login-info check (0 = unlimited): checks started per second, checks in progress at once. */
export const DEFAULT_AUTH_CHECK_RPS = 0;
export const DEFAULT_AUTH_CHECK_CONCURRENCY = 0;
/** POST /auth/login attempts per username per minute (wrong or right), then 429 until the minute is over. */
export const DEFAULT_LOGIN_RATE_LIMIT_PER_MINUTE = 10;
/**
 * POST /auth/login attempts per client address per minute. Above the flash-sale simulation's
 * 200 logins from 127.0.0.1 (one per buyer, 16 at a time), with room to spare.
 */
export const DEFAULT_LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE = 300;

export class AuthEnv {
  @IsString()
  @MinLength(16)
  JWT_SECRET: string = DEV_JWT_SECRET;

  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  JWT_TTL_SECONDS: number = DEFAULT_TOKEN_TTL_SECONDS;

  /** Order checks started per second, first come first served (0 = unlimited). */
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  AUTH_CHECK_RPS: number = DEFAULT_AUTH_CHECK_RPS;

  /** Order checks in progress at once (0 = unlimited). */
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  AUTH_CHECK_CONCURRENCY: number = DEFAULT_AUTH_CHECK_CONCURRENCY;

  /** Login attempts per username per minute, then 429 with Retry-After. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  LOGIN_RATE_LIMIT_PER_MINUTE: number = DEFAULT_LOGIN_RATE_LIMIT_PER_MINUTE;

  /** Login attempts per client address per minute, then 429 with Retry-After. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: number = DEFAULT_LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE;
}

export const authConfig = registerAs('auth', () => {
  const env = validateEnv(AuthEnv, process.env);
  return {
    jwtSecret: env.JWT_SECRET,
    tokenTtlSeconds: env.JWT_TTL_SECONDS,
    checkRps: env.AUTH_CHECK_RPS,
    checkConcurrency: env.AUTH_CHECK_CONCURRENCY,
    loginsPerUsernamePerMinute: env.LOGIN_RATE_LIMIT_PER_MINUTE,
    loginsPerAddressPerMinute: env.LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
  };
});
