import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { ConsumerHealth } from '@peak/messaging';

/**
 * A partition retrying transiently for at least this long makes the consumers indicator
 * `down`: a deadlock retried once is not an outage, a database away for a second is.
 */
export const DEFAULT_CONSUMERS_DEGRADED_AFTER_MS = 1_000;

/**
 * Terminus indicator of this process's consumers: `down` while a partition has been retrying a
 * transient failure (database unavailable, …) for `degradedAfterMs` or longer, with the
 * partitions, since when, how many retries and the last error; `up` otherwise. The backlog is
 * safe in the broker meanwhile; the state says the downstream is not keeping up at all.
 */
@Injectable()
export class ConsumersHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly consumers: ConsumerHealth,
  ) {}

  check(key: string, degradedAfterMs = DEFAULT_CONSUMERS_DEGRADED_AFTER_MS): HealthIndicatorResult {
    const session = this.indicator.check(key);
    const now = Date.now();
    const retrying = this.consumers.retrying().map((p) => ({
      group: p.group,
      topic: p.topic,
      partition: p.partition,
      since: new Date(p.sinceMs).toISOString(),
      forMs: now - p.sinceMs,
      retries: p.retries,
      reason: p.reason,
      lastError: p.lastError,
    }));
    const degraded = retrying.some((p) => p.forMs >= degradedAfterMs);
    return degraded ? session.down({ retrying }) : session.up({ retrying });
  }
}
