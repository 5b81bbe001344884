import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

export const DEFAULT_EMBEDDED_PG_DIR = '.data/postgres';
export const DEFAULT_EMBEDDED_PG_PORT = 54320;
export const DEFAULT_DB_POOL_SIZE = 10;

/** Environment read by the database library. */
export class DatabaseEnv {
  /** postgres://user:pass@host:port/db; unset → embedded PostgreSQL. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsString()
  EMBEDDED_PG_DIR: string = DEFAULT_EMBEDDED_PG_DIR;

  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT: number = DEFAULT_EMBEDDED_PG_PORT;

  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE: number = DEFAULT_DB_POOL_SIZE;
}

export interface DatabaseConfig {
  url: string | undefined;
  embeddedDir: string;
  embeddedPort: number;
  poolSize: number;
}

export const DATABASE_CONFIG_KEY = 'database';

/** `database` config namespace, validated with class-validator when first read. */
export const databaseConfig = registerAs(DATABASE_CONFIG_KEY, (): DatabaseConfig => {
  const env = validateEnv(DatabaseEnv, process.env);
  return {
    url: env.DATABASE_URL,
    embeddedDir: env.EMBEDDED_PG_DIR,
    embeddedPort: env.EMBEDDED_PG_PORT,
    poolSize: env.DB_POOL_SIZE,
  };
});
