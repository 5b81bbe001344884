import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { BrokerHealthIndicator } from './broker.health';

@Module({ imports: [TerminusModule], controllers: [HealthController], providers: [BrokerHealthIndicator] })
export class HealthModule {}
