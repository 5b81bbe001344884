import { startEmbeddedPostgres } from '@peak/testing';

/** The PostgreSQL used by tests (trust auth); override with TEST_DATABASE_ADMIN_URL. */
export const TEST_ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates a fresh, empty database for one test file (via @peak/testing); drop() removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const db = await startEmbeddedPostgres({ adminUrl: TEST_ADMIN_URL, databasePrefix: 'peak_e2e' });
  return { url: db.url, drop: () => db.stop() };
}
