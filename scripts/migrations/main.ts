/**
 * `npm run migrations -- <status|run|revert> [service ...]`
 *
 * TypeORM migrations of each service (`orders`, `auth`, `catalog`, `payments`; all by default)
 * against DATABASE_URL, or the embedded PostgreSQL in EMBEDDED_PG_DIR when it is unset, like
 * the services. The services also run pending migrations when they start; this is for looking
 * at the state, applying ahead of a deploy, and undoing the last one (`revert <service>`).
 */
import { acquireEmbeddedPostgres, databaseConfig, releaseEmbeddedPostgres } from '@peak/database';
import { migrate, MIGRATION_COMMANDS, MigrationCommand } from './migrations-cli';
import { SERVICE_DATABASES } from './service-databases';

function usage(problem: string): never {
  console.error(`${problem}\nusage: npm run migrations -- <${MIGRATION_COMMANDS.join('|')}> [${SERVICE_DATABASES.map((s) => s.name).join('|')} ...]`);
  process.exit(2);
}

async function main(): Promise<void> {
  const [command, ...names] = process.argv.slice(2);
  if (!(MIGRATION_COMMANDS as readonly string[]).includes(command)) usage(`unknown command: ${command ?? '(none)'}`);
  const unknown = names.filter((n) => !SERVICE_DATABASES.some((s) => s.name === n));
  if (unknown.length > 0) usage(`unknown service: ${unknown.join(', ')}`);
  const services = names.length > 0 ? SERVICE_DATABASES.filter((s) => names.includes(s.name)) : SERVICE_DATABASES;

  const config = databaseConfig();
  const url = config.url ?? (await acquireEmbeddedPostgres(config.embeddedDir, config.embeddedPort));
  try {
    for (const s of await migrate(url, command as MigrationCommand, services)) {
      console.log(`${s.service}${s.changed.length ? ` (${command === 'revert' ? 'reverted' : 'applied'}: ${s.changed.join(', ')})` : ''}`);
      for (const m of s.migrations) console.log(`  [${m.applied ? 'x' : ' '}] ${m.name}`);
    }
  } finally {
    if (!config.url) await releaseEmbeddedPostgres(config.embeddedDir);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
