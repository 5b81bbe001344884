import { Client } from 'pg';
import { migrate } from '../../scripts/migrations/migrations-cli';
import { SERVICE_DATABASES } from '../../scripts/migrations/service-databases';
import { createTestDatabase, TestDatabase } from '../e2e/support/test-database';

/** `npm run migrations` against a fresh database: status, run, idempotent re-run, revert of one service. */
describe('migrations CLI', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function tableExists(name: string): Promise<boolean> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [name]);
      return rows[0].exists;
    } finally {
      await client.end();
    }
  }

  const pending = (states: Awaited<ReturnType<typeof migrate>>) => states.flatMap((s) => s.migrations.filter((m) => !m.applied).map((m) => `${s.service}:${m.name}`));
  const orders = SERVICE_DATABASES.filter((s) => s.name === 'orders');
  /** Class names of a service's migrations, in order. */
  const migrationsOf = (name: string): string[] => {
    const list = SERVICE_DATABASES.find((s) => s.name === name)?.migrations;
    return Array.isArray(list) ? list.map((m: unknown) => (typeof m === 'function' ? m.name : String(m))) : [];
  };
  const total = SERVICE_DATABASES.reduce((n, s) => n + migrationsOf(s.name).length, 0);
  /** What revert undoes: a service's last migration. */
  const lastMigration = (name: string): string => migrationsOf(name)[migrationsOf(name).length - 1];

  it('reports every migration pending on an empty database', async () => {
    const states = await migrate(db.url, 'status', SERVICE_DATABASES);
    expect(states.map((s) => s.service)).toEqual(['catalog', 'auth', 'payments', 'orders']);
    expect(pending(states)).toHaveLength(total);
    expect(await tableExists('orders.orders')).toBe(false);
  });

  it('applies them once, and a second run changes nothing', async () => {
    const first = await migrate(db.url, 'run', SERVICE_DATABASES);
    expect(first.every((s) => s.changed.length === migrationsOf(s.service).length)).toBe(true);
    expect(pending(first)).toEqual([]);
    expect(await tableExists('orders.orders')).toBe(true);
    const second = await migrate(db.url, 'run', SERVICE_DATABASES);
    expect(second.every((s) => s.changed.length === 0)).toBe(true);
  });

  it('reverts the last migration of one service only', async () => {
    const [reverted] = await migrate(db.url, 'revert', orders);
    expect(reverted.changed).toEqual([lastMigration('orders')]);
    expect(await tableExists('orders.outbox')).toBe(false);
    expect(await tableExists('orders.orders')).toBe(true);
    expect(pending(await migrate(db.url, 'status', SERVICE_DATABASES))).toEqual([`orders:${lastMigration('orders')}`]);
    expect(await tableExists('catalog.courses')).toBe(true);
  });

  it('refuses to revert more than one service at once', async () => {
    await expect(migrate(db.url, 'revert', SERVICE_DATABASES)).rejects.toThrow(/exactly one service/);
  });
});
