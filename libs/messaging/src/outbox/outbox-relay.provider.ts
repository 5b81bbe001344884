import { BeforeApplicationShutdown, OnApplicationBootstrap, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { EventPublisher } from '../publisher/event-publisher';
import { loadOutboxConfig } from './outbox.config';
import { OutboxRelay } from './outbox.relay';
import { outboxTable } from './outbox-sql';
import type { OutboxPublisher, OutboxStore } from './outbox.types';
import { PgOutboxStore } from './pg-outbox.store';

/**
 * An OutboxRelay tied to the Nest application's life: started at bootstrap (publishing what
 * an earlier process left), stopped before shutdown (before the DataSources and the publisher
 * close), so its last round ends cleanly.
 */
export class OutboxRelayService extends OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(store: OutboxStore, publisher: OutboxPublisher, options: { batchSize: number; pollIntervalMs: number; lingerMs: number }) {
    super(store, publisher, options);
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }
}

/**
 * Provides the relay of one service's outbox (`<schema>.outbox` on the TypeORM DataSource
 * named `dataSource`), injectable as `token`; settings from OUTBOX_* (see OutboxEnv).
 */
export function provideOutboxRelay(token: string | symbol, dataSource: string, schema: string): Provider {
  return {
    provide: token,
    inject: [getDataSourceToken(dataSource), EventPublisher],
    useFactory: (db: DataSource, publisher: EventPublisher): OutboxRelayService =>
      new OutboxRelayService(new PgOutboxStore(db, outboxTable(schema)), publisher, loadOutboxConfig()),
  };
}
