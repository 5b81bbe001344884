import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { EventPublisher } from '@peak/messaging';

/** Backlog of unsent events above which intake is reported down. */
const MAX_HEALTHY_BACKLOG = 50_000;

@Injectable()
export class BrokerHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly publisher: EventPublisher,
  ) {}

  check(key: string): HealthIndicatorResult {
    const session = this.indicator.check(key);
    const backlog = this.publisher.backlog;
    return backlog <= MAX_HEALTHY_BACKLOG ? session.up({ backlog }) : session.down({ backlog });
  }
}
