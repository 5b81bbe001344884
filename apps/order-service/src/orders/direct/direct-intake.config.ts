import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { validateEnv } from '@peak/database';

export const INTAKE_MODES = ['broker', 'direct'] as const;
export type IntakeMode = (typeof INTAKE_MODES)[number];

export const DEFAULT_DIRECT_TIMEOUT_MS = 5_000;
export const DEFAULT_DIRECT_PAYMENT_POOL = 64;
export const DEFAULT_DIRECT_MAX_IN_FLIGHT = 0;

class DirectIntakeEnv {
  /** `broker` (default): intake publishes OrderCreated; `direct`: intake calls the services synchronously. */
  @IsIn(INTAKE_MODES) ORDER_INTAKE_MODE: IntakeMode = 'broker';
  /** Direct mode: a request not finished after this long is answered 504 and its chain cancelled. */
  @IsInt() @Min(10) @Max(600_000) DIRECT_TIMEOUT_MS: number = DEFAULT_DIRECT_TIMEOUT_MS;
  /** Direct mode: concurrent calls to payment (the HTTP client pool of an RPC caller). */
  @IsInt() @Min(1) @Max(100_000) DIRECT_PAYMENT_POOL: number = DEFAULT_DIRECT_PAYMENT_POOL;
  /** Direct mode: requests in progress at once; more are answered 503 at once (0 = no limit). */
  @IsInt() @Min(0) DIRECT_MAX_IN_FLIGHT: number = DEFAULT_DIRECT_MAX_IN_FLIGHT;
}

export interface DirectIntakeConfig {
  mode: IntakeMode;
  timeoutMs: number;
  paymentPool: number;
  maxInFlight: number;
}

export const directIntakeConfig = registerAs('directIntake', (): DirectIntakeConfig => {
  const env = validateEnv(DirectIntakeEnv, process.env);
  return {
    mode: env.ORDER_INTAKE_MODE,
    timeoutMs: env.DIRECT_TIMEOUT_MS,
    paymentPool: env.DIRECT_PAYMENT_POOL,
    maxInFlight: env.DIRECT_MAX_IN_FLIGHT,
  };
});
