import { DataSource } from 'typeorm';
import { buildDataSourceOptions, ServiceDatabaseOptions } from '@peak/database';

export const MIGRATION_COMMANDS = ['status', 'run', 'revert'] as const;
export type MigrationCommand = (typeof MIGRATION_COMMANDS)[number];

export interface MigrationState {
  name: string;
  applied: boolean;
}

export interface ServiceMigrations {
  service: string;
  /** What `run` applied or `revert` undid in this call. */
  changed: string[];
  migrations: MigrationState[];
}

/** Pool size for the CLI's own connections. */
const CLI_POOL_SIZE = 2;

function migrationName(migration: { name?: string; constructor: { name: string } }): string {
  return migration.name ?? migration.constructor.name;
}

/** Names recorded in the service's migrations table (none when the table does not exist yet). */
async function appliedNames(ds: DataSource, table: string): Promise<Set<string>> {
  const [{ exists }] = (await ds.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [`public."${table}"`])) as Array<{ exists: boolean }>;
  if (!exists) return new Set();
  const rows = (await ds.query(`SELECT name FROM "${table}"`)) as Array<{ name: string }>;
  return new Set(rows.map((r) => r.name));
}

/**
 * Runs one command for each service against `url`, one DataSource per service (migrations in
 * their own transaction each, as at start-up), and reports every migration's state after it.
 * `revert` undoes the last applied migration of exactly one service.
 */
export async function migrate(url: string, command: MigrationCommand, services: readonly ServiceDatabaseOptions[]): Promise<ServiceMigrations[]> {
  if (command === 'revert' && services.length !== 1) {
    throw new Error(`revert undoes one service's last migration: name exactly one service (got ${services.length})`);
  }
  const out: ServiceMigrations[] = [];
  for (const service of services) {
    const options = buildDataSourceOptions(url, service, CLI_POOL_SIZE);
    const ds = new DataSource({ ...options, migrationsRun: false, logging: false });
    await ds.initialize();
    try {
      const table = `${service.name}_migrations`;
      const before = await appliedNames(ds, table);
      let changed: string[] = [];
      if (command === 'run') changed = (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name);
      if (command === 'revert' && before.size > 0) {
        await ds.undoLastMigration({ transaction: 'each' });
        const after = await appliedNames(ds, table);
        changed = [...before].filter((n) => !after.has(n));
      }
      const applied = await appliedNames(ds, table);
      out.push({ service: service.name, changed, migrations: ds.migrations.map((m) => ({ name: migrationName(m), applied: applied.has(migrationName(m)) })) });
    } finally {
      await ds.destroy();
    }
  }
  return out;
}
