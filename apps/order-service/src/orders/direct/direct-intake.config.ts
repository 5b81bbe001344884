import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsUrl, Max, Min } from 'class-validator';
import { validateEnv } from '@peak/database';
import type { DownstreamService } from './direct-intake.errors';

export const INTAKE_MODES = ['broker', 'direct'] as const;
export type IntakeMode = (typeof INTAKE_MODES)[number];

export const DEFAULT_DIRECT_TIMEOUT_MS = 5_000;
export const DEFAULT_DIRECT_PAYMENT_POOL = 64;
export const DEFAULT_DIRECT_MAX_IN_FLIGHT = 0;
export const DEFAULT_DIRECT_RPC_CONNECTIONS = 256;

/** The variable naming each downstream's base URL (unset: this service's own HTTP server). */
export const DOWNSTREAM_URL_ENV: Readonly<Record<DownstreamService, string>> = {
  auth: 'AUTH_URL',
  'course-validation': 'COURSE_VALIDATION_URL',
  payment: 'PAYMENT_URL',
};

const HTTP_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

class DirectIntakeEnv {
  /** `broker` (default): intake publishes OrderCreated; `direct`: intake calls the services synchronously. */
  @IsIn(INTAKE_MODES) ORDER_INTAKE_MODE: IntakeMode = 'broker';
  /** Direct mode: a request not finished after this long is answered 504 and its chain cancelled. */
  @IsInt() @Min(10) @Max(600_000) DIRECT_TIMEOUT_MS: number = DEFAULT_DIRECT_TIMEOUT_MS;
  /** Direct mode: concurrent calls to payment (the HTTP client pool of an RPC caller). */
  @IsInt() @Min(1) @Max(100_000) DIRECT_PAYMENT_POOL: number = DEFAULT_DIRECT_PAYMENT_POOL;
  /** Direct mode: requests in progress at once; more are answered 503 at once (0 = no limit). */
  @IsInt() @Min(0) DIRECT_MAX_IN_FLIGHT: number = DEFAULT_DIRECT_MAX_IN_FLIGHT;
  /** Direct mode: keep-alive connections per downstream service; further calls queue in the client. */
  @IsInt() @Min(1) @Max(100_000) DIRECT_RPC_CONNECTIONS: number = DEFAULT_DIRECT_RPC_CONNECTIONS;
  /** Direct mode: base URLs of the services' RPC endpoints (e.g. http://127.0.0.1:3001); unset = this service's own HTTP server. */
  @IsOptional() @IsUrl(HTTP_URL) AUTH_URL?: string;
  @IsOptional() @IsUrl(HTTP_URL) COURSE_VALIDATION_URL?: string;
  @IsOptional() @IsUrl(HTTP_URL) PAYMENT_URL?: string;
}

export interface DirectIntakeConfig {
  mode: IntakeMode;
  timeoutMs: number;
  paymentPool: number;
  maxInFlight: number;
  rpcConnections: number;
  /** Configured base URLs; a service missing here is called on this service's own HTTP server. */
  urls: Partial<Record<DownstreamService, string>>;
}

export const directIntakeConfig = registerAs('directIntake', (): DirectIntakeConfig => {
  const env = validateEnv(DirectIntakeEnv, process.env);
  const urls: Partial<Record<DownstreamService, string>> = {};
  if (env.AUTH_URL) urls.auth = env.AUTH_URL;
  if (env.COURSE_VALIDATION_URL) urls['course-validation'] = env.COURSE_VALIDATION_URL;
  if (env.PAYMENT_URL) urls.payment = env.PAYMENT_URL;
  return {
    mode: env.ORDER_INTAKE_MODE,
    timeoutMs: env.DIRECT_TIMEOUT_MS,
    paymentPool: env.DIRECT_PAYMENT_POOL,
    maxInFlight: env.DIRECT_MAX_IN_FLIGHT,
    rpcConnections: env.DIRECT_RPC_CONNECTIONS,
    urls,
  };
});
