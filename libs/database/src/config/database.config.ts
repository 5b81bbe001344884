import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

export const DEFAULT_EMBEDDED_PG_DIR = '.data/postgres';
export const DEFAULT_EMBEDDED_PG_PORT = 54320;
export const DEFAULT_DB_POOL_SIZE = 10;
/** Longest wait for a new connection (a PostgreSQL that does not answer fails the query instead of hanging it). */
export const DEFAULT_DB_CONNECT_TIMEOUT_MS = 5_000;
/** Longest a statement may run before PostgreSQL cancels it (57014, retried as transient). */
export const DEFAULT_DB_STATEMENT_TIMEOUT_MS = 30_000;
/** Longest a session may sit idle inside an open transaction before PostgreSQL ends it (its locks go with it). */
export const DEFAULT_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

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

  /** Connection timeout of every pool (ms). */
  @IsInt()
  @Min(100)
  @Max(600_000)
  DB_CONNECT_TIMEOUT_MS: number = DEFAULT_DB_CONNECT_TIMEOUT_MS;

  /** statement_timeout of every connection (ms; 0 = none). */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  DB_STATEMENT_TIMEOUT_MS: number = DEFAULT_DB_STATEMENT_TIMEOUT_MS;

  /** idle_in_transaction_session_timeout of every connection (ms; 0 = none). */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: number = DEFAULT_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS;
}

/** Timeouts applied to every connection of every pool. */
export interface DatabaseTimeouts {
  connectTimeoutMs: number;
  /** 0: none. */
  statementTimeoutMs: number;
  /** 0: none. */
  idleInTransactionTimeoutMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  connectTimeoutMs: DEFAULT_DB_CONNECT_TIMEOUT_MS,
  statementTimeoutMs: DEFAULT_DB_STATEMENT_TIMEOUT_MS,
  idleInTransactionTimeoutMs: DEFAULT_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
};

export interface DatabaseConfig {
  url: string | undefined;
  embeddedDir: string;
  embeddedPort: number;
  poolSize: number;
  timeouts: DatabaseTimeouts;
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
    timeouts: {
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
  };
});
