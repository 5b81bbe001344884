import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

/** What one service declares about its own tables. */
export interface ServiceDatabaseOptions {
  /** DataSource name (also the Nest injection name) and migrations table prefix, e.g. `orders`. */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Pool size for this service; defaults to DB_POOL_SIZE. */
  poolSize?: number;
}

/**
 * DataSource options for one service: migrations run at start-up inside one transaction
 * each, never `synchronize`; each service has its own migrations table.
 */
export function buildDataSourceOptions(url: string, service: ServiceDatabaseOptions, poolSize: number): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: service.entities,
    migrations: service.migrations,
    migrationsTableName: `${service.name}_migrations`,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    extra: { max: service.poolSize ?? poolSize },
  };
}
