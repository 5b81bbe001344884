import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { ConsumersHealthIndicator } from '@peak/platform';
import { ORDERS_DATA_SOURCE } from '../config/order-service.config';
import { BrokerHealthIndicator } from './broker.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly broker: BrokerHealthIndicator,
    private readonly consumers: ConsumersHealthIndicator,
    @InjectDataSource(ORDERS_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('database', { connection: this.dataSource }),
      () => this.broker.check('broker'),
      // Down while one of this process's partitions retries a transient failure (database away).
      () => this.consumers.check('consumers'),
    ]);
  }
}
