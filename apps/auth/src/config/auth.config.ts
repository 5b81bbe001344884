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
}

export const authConfig = registerAs('auth', () => {
  const env = validateEnv(AuthEnv, process.env);
  return {
    jwtSecret: env.JWT_SECRET,
    tokenTtlSeconds: env.JWT_TTL_SECONDS,
    checkRps: env.AUTH_CHECK_RPS,
    checkConcurrency: env.AUTH_CHECK_CONCURRENCY,
  };
});
