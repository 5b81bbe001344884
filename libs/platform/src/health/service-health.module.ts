import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConsumersHealthIndicator } from './consumers.health';
import { ServiceHealthController } from './service-health.controller';

/**
 * `GET /health` (Terminus) for a service that has none of its own (auth, course-validation,
 * payment when run alone): `consumers` is down while a partition retries a transient failure.
 * Needs MessagingModule (ConsumerHealth). Apps with their own /health use ConsumersHealthIndicator.
 */
@Module({ imports: [TerminusModule], controllers: [ServiceHealthController], providers: [ConsumersHealthIndicator], exports: [ConsumersHealthIndicator] })
export class ServiceHealthModule {}
