import { registerAs } from '@nestjs/config';
import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { validateEnv } from '@peak/database';
import { DEFAULT_BODY_LIMIT_BYTES } from '@peak/platform';

export const ORDERS_DATA_SOURCE = 'orders';
/** Development default shared with auth; set JWT_SECRET in any shared environment. */
export const DEV_JWT_SECRET = 'peak-dev-secret-change-me';
export const DEFAULT_PORT = 3000;
export const DEFAULT_ORDER_DEADLINE_MS = 60_000;
export const DEFAULT_SWEEP_INTERVAL_MS = 1_000;

class OrderServiceEnv {
  @IsInt() @Min(0) @Max(65535) PORT: number = DEFAULT_PORT;
  @IsString() HOST: string = '127.0.0.1';
  @IsString() @MinLength(16) JWT_SECRET: string = DEV_JWT_SECRET;
  /** An order not CONFIRMED/REJECTED/PAID this long after intake is cancelled (TIMEOUT). */
  @IsInt() @Min(100) ORDER_DEADLINE_MS: number = DEFAULT_ORDER_DEADLINE_MS;
  @IsInt() @Min(10) ORDER_SWEEP_INTERVAL_MS: number = DEFAULT_SWEEP_INTERVAL_MS;
  @IsInt() @Min(1024) BODY_LIMIT_BYTES: number = DEFAULT_BODY_LIMIT_BYTES;
}

export const orderServiceConfig = registerAs('orderService', () => {
  const env = validateEnv(OrderServiceEnv, process.env);
  return {
    port: env.PORT,
    host: env.HOST,
    jwtSecret: env.JWT_SECRET,
    orderDeadlineMs: env.ORDER_DEADLINE_MS,
    sweepIntervalMs: env.ORDER_SWEEP_INTERVAL_MS,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
  };
});
