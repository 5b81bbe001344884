import { registerAs } from '@nestjs/config';
import { IsInt, IsNumber, Max, Min } from 'class-validator';
import { validateEnv } from '@peak/database';
import { PaymentMethod } from '@peak/contracts';

export const PAYMENTS_DATA_SOURCE = 'payments';

/** Simulated gateway behaviour; 0 capacity means unlimited. */
export interface GatewayProfile {
  /** Charges started per second (token bucket), 0 = unlimited. */
  requestsPerSecond: number;
  /** Charges in progress at once, 0 = unlimited. */
  concurrency: number;
  /** Log-normal latency: median and 99th percentile in ms (0 = instant). */
  latencyMedianMs: number;
  latencyP99Ms: number;
  /** Probability that a charge is declined, 0..1. */
  failureRate: number;
}

class PaymentEnv {
  @IsInt() @Min(0) PAYMENT_ALIPAY_RPS: number = 2_000;
  @IsInt() @Min(0) PAYMENT_ALIPAY_CONCURRENCY: number = 200;
  @IsNumber() @Min(0) PAYMENT_ALIPAY_LATENCY_MEDIAN_MS: number = 15;
  @IsNumber() @Min(0) PAYMENT_ALIPAY_LATENCY_P99_MS: number = 80;
  @IsNumber() @Min(0) @Max(1) PAYMENT_ALIPAY_FAILURE_RATE: number = 0;
  @IsInt() @Min(0) PAYMENT_WECHAT_RPS: number = 1_500;
  @IsInt() @Min(0) PAYMENT_WECHAT_CONCURRENCY: number = 150;
  @IsNumber() @Min(0) PAYMENT_WECHAT_LATENCY_MEDIAN_MS: number = 20;
  @IsNumber() @Min(0) PAYMENT_WECHAT_LATENCY_P99_MS: number = 120;
  @IsNumber() @Min(0) @Max(1) PAYMENT_WECHAT_FAILURE_RATE: number = 0;
}

export const paymentConfig = registerAs('payment', (): Record<PaymentMethod, GatewayProfile> => {
  const env = validateEnv(PaymentEnv, process.env);
  return {
    alipay: {
      requestsPerSecond: env.PAYMENT_ALIPAY_RPS,
      concurrency: env.PAYMENT_ALIPAY_CONCURRENCY,
      latencyMedianMs: env.PAYMENT_ALIPAY_LATENCY_MEDIAN_MS,
      latencyP99Ms: env.PAYMENT_ALIPAY_LATENCY_P99_MS,
      failureRate: env.PAYMENT_ALIPAY_FAILURE_RATE,
    },
    wechat: {
      requestsPerSecond: env.PAYMENT_WECHAT_RPS,
      concurrency: env.PAYMENT_WECHAT_CONCURRENCY,
      latencyMedianMs: env.PAYMENT_WECHAT_LATENCY_MEDIAN_MS,
      latencyP99Ms: env.PAYMENT_WECHAT_LATENCY_P99_MS,
      failureRate: env.PAYMENT_WECHAT_FAILURE_RATE,
    },
  };
});
