import { IsInt, Max, Min } from 'class-validator';
import { validateEnv } from '@peak/database';
import { DEFAULT_OUTBOX_BATCH_SIZE, DEFAULT_OUTBOX_POLL_INTERVAL_MS } from './outbox.relay';

/** Environment of the outbox relays (every service that writes an outbox). */
export class OutboxEnv {
  /** Fallback poll of each outbox table (rows of a crash or a failed publish); commits wake the relay at once. */
  @IsInt() @Min(10) @Max(60_000) OUTBOX_POLL_INTERVAL_MS: number = DEFAULT_OUTBOX_POLL_INTERVAL_MS;
  /** Rows published per relay round at most. */
  @IsInt() @Min(1) @Max(10_000) OUTBOX_BATCH_SIZE: number = DEFAULT_OUTBOX_BATCH_SIZE;
}

export interface OutboxConfig {
  pollIntervalMs: number;
  batchSize: number;
}

/** Reads and checks OUTBOX_* from the environment (throws on invalid values). */
export function loadOutboxConfig(env: NodeJS.ProcessEnv = process.env): OutboxConfig {
  const e = validateEnv(OutboxEnv, env);
  return { pollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS, batchSize: e.OUTBOX_BATCH_SIZE };
}
