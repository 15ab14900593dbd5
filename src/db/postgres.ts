/** @module db/postgres — the PostgreSQL server adapter (node-postgres pool), used when DATABASE_URL is set. */
import pg from 'pg';
import { CHANNEL_NAME, parseDate, parseInt8, TYPE_OIDS, type Database, type Queryable, type Session } from './database.ts';

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
    session: () => openSession(url),
    close: () => pool.end(),
  };
}

/** A client of its own, outside the pool, so that holding it for hours starves no request. */
async function openSession(url: string): Promise<Session> {
  const client = new pg.Client({ connectionString: url, types, keepAlive: true });
  const channels = new Map<string, (() => void)[]>();
  const lostHandlers: ((err: Error) => void)[] = [];
  let closing = false;
  let lost: Error | null = null;
  const markLost = (err: Error) => {
    if (closing || lost) return;
    lost = err;
    for (const handler of lostHandlers) handler(err);
  };
  client.on('error', markLost);
  client.on('end', () => markLost(new Error('the database connection ended')));
  client.on('notification', (msg) => channels.get(msg.channel)?.forEach((notify) => notify()));
  await client.connect();
  return {
    query: async (sql, params) => (await client.query(sql, params as unknown[] | undefined)).rows,
    listen: async (channel, onNotify) => {
      if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid channel name ${channel}`);
      const listeners = channels.get(channel);
      if (listeners) return void listeners.push(onNotify);
      channels.set(channel, [onNotify]);
      // An identifier cannot be a parameter; CHANNEL_NAME admits only [a-z0-9_].
      await client.query(`LISTEN ${channel}`);
    },
    onLost: (handler) => {
      if (lost) handler(lost);
      else lostHandlers.push(handler);
    },
    close: async () => {
      closing = true;
      await client.end().catch(() => undefined);
    },
  };
}
