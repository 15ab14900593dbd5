/** @module db/postgres — the PostgreSQL server adapter (node-postgres pool), used when DATABASE_URL is set. */
import pg from 'pg';
import { parseDate, parseInt8, TYPE_OIDS, type Database, type Queryable } from './database.ts';

const types = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === TYPE_OIDS.int8) return parseInt8;
    if (oid === TYPE_OIDS.date) return parseDate;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

/**
 * Open a pool on `url`. Each transaction takes one client for its whole life.
 * @example const db = await openPostgres('postgres://palisade@127.0.0.1:5432/palisade');
 */
export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  return {
    dialect: 'postgres',
    query: async (sql, params) => (await pool.query(sql, params as unknown[] | undefined)).rows,
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const q: Queryable = {
          query: async (sql, params) => (await client.query(sql, params as unknown[] | undefined)).rows,
        };
        const result = await fn(q);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
