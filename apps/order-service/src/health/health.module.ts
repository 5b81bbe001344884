import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ConsumersHealthIndicator } from '@peak/platform';
import { BrokerHealthIndicator } from './broker.health';

@Module({ imports: [TerminusModule], controllers: [HealthController], providers: [BrokerHealthIndicator, ConsumersHealthIndicator] })
export class HealthModule {}
