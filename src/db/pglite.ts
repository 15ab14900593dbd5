/** @module db/pglite — the embedded PostgreSQL (PGlite, WASM) adapter, persisted to a data folder. */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { parseDate, parseInt8, TYPE_OIDS, type Database, type Queryable } from './database.ts';

/**
 * Open PGlite in `dataDir` (created if missing), or in memory when `dataDir` is undefined.
 * PGlite is one connection: it queues statements, and a transaction holds it exclusively.
 */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir ?? 'memory://', {
    parsers: { [TYPE_OIDS.int8]: parseInt8, [TYPE_OIDS.date]: parseDate },
  });
  const run = async <T>(q: { query: PGlite['query'] }, sql: string, params?: readonly unknown[]) =>
    (await q.query<T>(sql, params as unknown[] | undefined)).rows;
  return {
    dialect: 'pglite',
    query: (sql, params) => run(pg, sql, params),
    transaction: (fn) =>
      pg.transaction(async (tx) => {
        const q: Queryable = { query: (sql, params) => run(tx, sql, params) };
        return fn(q);
      }),
    close: () => pg.close(),
  };
}
