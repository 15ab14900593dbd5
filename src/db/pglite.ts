/** @module db/pglite — the embedded PostgreSQL (PGlite, WASM) adapter, persisted to a data folder. */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { CHANNEL_NAME, parseDate, parseInt8, TYPE_OIDS, type Database, type Queryable, type Session } from './database.ts';

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
    session: async (): Promise<Session> => {
      // The one connection is shared: its session locks are trivially ours (one process per folder).
      const unlisten: (() => Promise<void>)[] = [];
      return {
        query: (sql, params) => run(pg, sql, params),
        listen: async (channel, onNotify) => {
          if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid channel name ${channel}`);
          unlisten.push(await pg.listen(channel, () => onNotify()));
        },
        // In process: the connection goes away only with the database itself.
        onLost: () => undefined,
        close: async () => {
          if (pg.closed) return;
          for (const stop of unlisten.splice(0)) await stop();
          await pg.query('SELECT pg_advisory_unlock_all()');
        },
      };
    },
    close: () => pg.close(),
  };
}
