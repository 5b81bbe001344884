import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseConfig } from './config/database.config';
import { PostgresUrlResolver } from './embedded/postgres-url.resolver';
import { buildDataSourceOptions, ServiceDatabaseOptions } from './data-source/data-source.factory';

/** Holds the one URL resolver (and so the one embedded cluster) of an application. */
@Module({
  imports: [ConfigModule.forFeature(databaseConfig)],
  providers: [PostgresUrlResolver],
  exports: [PostgresUrlResolver, ConfigModule],
})
export class DatabaseCoreModule {}

/**
 * A named TypeORM DataSource per service: `DatabaseModule.forService({ name: 'orders', ... })`,
 * then `@InjectDataSource('orders')` / `@InjectRepository(Entity, 'orders')`.
 */
@Module({})
export class DatabaseModule {
  static forService(service: ServiceDatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          name: service.name,
          imports: [DatabaseCoreModule],
          inject: [PostgresUrlResolver, databaseConfig.KEY],
          useFactory: async (resolver: PostgresUrlResolver, config: ConfigType<typeof databaseConfig>) =>
            ({ ...buildDataSourceOptions(await resolver.resolve(), service, config.poolSize, config.timeouts), name: service.name }),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
