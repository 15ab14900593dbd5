/**
 * @module db/test-db — a fresh, migrated database for one test file: in-memory PGlite by default,
 * a new database on the PostgreSQL server named by `DATABASE_URL` when it is set (CI runs both).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export interface TestDatabase {
  db: Database;
  /** The URL of the fresh PostgreSQL database, when running against a server. */
  url: string | undefined;
  drop(): Promise<void>;
}

/** Create an empty database (a new PostgreSQL database, or nothing for PGlite) and return its URL. */
export async function createEmptyPostgresDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `palisade_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * A migrated database for tests. Always call `drop()` in `afterAll`.
 * @example const t = await createTestDatabase(); afterAll(() => t.drop());
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = await openPglite(undefined);
    await migrate(db);
    return { db, url: undefined, drop: () => db.close() };
  }
  const empty = await createEmptyPostgresDatabase(serverUrl);
  const db = await openPostgres(empty.url, 5);
  await migrate(db);
  return {
    db,
    url: empty.url,
    drop: async () => {
      await db.close();
      await empty.drop();
    },
  };
}
