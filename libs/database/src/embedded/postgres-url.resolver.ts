import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { databaseConfig } from '../config/database.config';
import { acquireEmbeddedPostgres, releaseEmbeddedPostgres } from './embedded-postgres.launcher';

/**
 * Resolves the PostgreSQL URL for every DataSource of one Nest application: DATABASE_URL
 * when set, otherwise the embedded cluster (started on first use, released on shutdown,
 * after the DataSources of dependent modules have closed).
 */
@Injectable()
export class PostgresUrlResolver implements OnApplicationShutdown {
  private readonly logger = new Logger(PostgresUrlResolver.name);
  private url: Promise<string> | null = null;
  private embedded = false;

  constructor(@Inject(databaseConfig.KEY) private readonly config: ConfigType<typeof databaseConfig>) {}

  /** The URL to connect to; the first call may start the embedded cluster. Concurrent calls share it. */
  resolve(): Promise<string> {
    if (this.url) return this.url;
    if (this.config.url) {
      this.url = Promise.resolve(this.config.url);
    } else {
      this.embedded = true;
      this.logger.log('DATABASE_URL is unset: using embedded PostgreSQL');
      this.url = acquireEmbeddedPostgres(this.config.embeddedDir, this.config.embeddedPort);
    }
    return this.url;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    this.embedded = false;
    await releaseEmbeddedPostgres(this.config.embeddedDir);
  }
}
