/**
 * @module db/migrate — versioned SQL files in `migrations/`, applied in name order at start,
 * each in its own transaction, identical on PGlite and PostgreSQL.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Arbitrary constant: serializes migrations when several servers start against one PostgreSQL. */
const MIGRATION_LOCK_KEY = 7_301_001;

export interface Migration {
  version: string;
  sql: string;
}

/** The migration files, sorted by their numeric prefix (`0001_foundation.sql`). */
export async function listMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((n) => /^\d{4}_[a-z0-9_]+\.sql$/.test(n)).sort();
  return Promise.all(
    names.map(async (n) => ({ version: n.replace(/\.sql$/, ''), sql: await readFile(dir + n, 'utf8') })),
  );
}

/**
 * Apply every migration not yet recorded in `schema_migrations`. Returns the versions applied now.
 * @example const applied = await migrate(db);
 */
export async function migrate(db: Database, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await listMigrations());
  const applied: string[] = [];
  // Under the lock too: concurrent CREATE TABLE IF NOT EXISTS collide in pg_type on PostgreSQL.
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
  });
  for (const m of all) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (seen.length > 0) return false;
      await execScript(tx, m.sql);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

/** Run a multi-statement script. Statements are split on `;` at line ends (our files keep to that). */
async function execScript(tx: { query(sql: string): Promise<unknown> }, sql: string): Promise<void> {
  const statements = sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
  for (const s of statements) await tx.query(s);
}
