import { ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModuleOptions } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { authConfig } from '../config/auth.config';

/** The window both login limits count over. */
export const LOGIN_RATE_WINDOW_MS = 60_000;
/** Names of the two limits (also the suffix of their X-RateLimit-* headers). */
export const LoginLimits = { Username: 'username', Address: 'address' } as const;
/** Prefix of a username tracker, so a 429 can say which limit it hit. */
const USERNAME_TRACKER = 'username:';

/**
 * Who the per-username limit counts: the body's `username` when it is a string (the key is
 * hashed by the throttler, so a long one costs nothing), else the client address.
 */
function usernameTracker(req: Record<string, unknown>): string {
  const body = req.body as { username?: unknown } | undefined;
  if (body && typeof body === 'object' && typeof body.username === 'string') return `${USERNAME_TRACKER}${body.username}`;
  return `address:${String((req as unknown as FastifyRequest).ip)}`;
}

/**
 * The options of ThrottlerModule for POST /auth/login: LOGIN_RATE_LIMIT_PER_MINUTE attempts
 * per username and LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE per client address (the throttler's
 * own address tracker), counted over one minute; past either, requests are refused for the
 * rest of a minute. Counters live in this process's memory (one auth replica).
 */
export function loginThrottlerOptions(config: ConfigType<typeof authConfig>): ThrottlerModuleOptions {
  return {
    throttlers: [
      { name: LoginLimits.Username, ttl: LOGIN_RATE_WINDOW_MS, limit: config.loginsPerUsernamePerMinute, getTracker: usernameTracker },
      { name: LoginLimits.Address, ttl: LOGIN_RATE_WINDOW_MS, limit: config.loginsPerAddressPerMinute },
    ],
  };
}

/**
 * @nestjs/throttler's guard for POST /auth/login, answering a refused attempt `429` JSON with a
 * plain `Retry-After` header (seconds; the throttler itself only sets `Retry-After-<limit>` for
 * named limits) and a message naming the limit. Guards run after the body is parsed, so the
 * username is known. Safe for concurrent use.
 */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfterSeconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    context.switchToHttp().getResponse<FastifyReply>().header('Retry-After', String(retryAfterSeconds));
    const who = detail.tracker.startsWith(USERNAME_TRACKER) ? 'this username' : 'this client address';
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: `too many login attempts for ${who}; retry in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
