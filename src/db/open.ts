/** @module db/open — choose the adapter from configuration and bring the schema up to date. */
import path from 'node:path';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

/**
 * PostgreSQL when `databaseUrl` is set, otherwise PGlite in `<dataDir>/db`; migrations applied.
 * @example const db = await openDatabase({ dataDir: '.palisade', databaseUrl: undefined });
 */
export async function openDatabase(opts: { dataDir: string; databaseUrl: string | undefined }): Promise<Database> {
  const db = opts.databaseUrl ? await openPostgres(opts.databaseUrl) : await openPglite(path.join(opts.dataDir, 'db'));
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
