export * from './config/validate-env';
export * from './config/database.config';
export * from './embedded/embedded-postgres.launcher';
export * from './embedded/postgres-url.resolver';
export * from './data-source/data-source.factory';
export * from './database.module';
