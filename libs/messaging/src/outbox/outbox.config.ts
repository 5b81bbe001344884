import { IsInt, Max, Min } from 'class-validator';
import { validateEnv } from '@peak/database';
import { DEFAULT_OUTBOX_BATCH_SIZE, DEFAULT_OUTBOX_LINGER_MS, DEFAULT_OUTBOX_POLL_INTERVAL_MS } from './outbox.relay';

/** Environment of the outbox relays (every service that writes an outbox). */
export class OutboxEnv {
  /** Fallback poll of each outbox table (rows of a crash or a failed publish); commits wake the relay at once. */
  @IsInt() @Min(10) @Max(60_000) OUTBOX_POLL_INTERVAL_MS: number = DEFAULT_OUTBOX_POLL_INTERVAL_MS;
  /** Rows published per relay round at most. */
  @IsInt() @Min(1) @Max(10_000) OUTBOX_BATCH_SIZE: number = DEFAULT_OUTBOX_BATCH_SIZE;
  /** A commit's wake waits this long for more commits to share the relay's round (0: at once). */
  @IsInt() @Min(0) @Max(1_000) OUTBOX_LINGER_MS: number = DEFAULT_OUTBOX_LINGER_MS;
}

export interface OutboxConfig {
  pollIntervalMs: number;
  batchSize: number;
  lingerMs: number;
}

/** Reads and checks OUTBOX_* from the environment (throws on invalid values). */
export function loadOutboxConfig(env: NodeJS.ProcessEnv = process.env): OutboxConfig {
  const e = validateEnv(OutboxEnv, env);
  return { pollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS, batchSize: e.OUTBOX_BATCH_SIZE, lingerMs: e.OUTBOX_LINGER_MS };
}
