import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { ConsumersHealthIndicator } from './consumers.health';

/** GET /health of a service without its own: its consumers (ConsumersHealthIndicator). */
@ApiTags('health')
@Controller('health')
export class ServiceHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly consumers: ConsumersHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.consumers.check('consumers')]);
  }
}
