/**
 * @module db/database — the one database interface the services see, over PGlite (embedded,
 * default) or a PostgreSQL server (`DATABASE_URL`). Both return the same JavaScript types.
 */

/** Anything that runs parameterized SQL: the database itself or an open transaction. */
export interface Queryable {
  /** Run one parameterized statement and return its rows. Never interpolate values into `sql`. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/**
 * One connection held open for as long as it is needed, outside the pool: for session-level
 * advisory locks (they belong to the connection that took them) and LISTEN. On PGlite, which is
 * one connection, it is that connection.
 */
export interface Session extends Queryable {
  /** Call `onNotify` for every NOTIFY on `channel` (an SQL identifier such as `palisade_audit`). */
  listen(channel: string, onNotify: () => void): Promise<void>;
  /** `onLost` runs once if the connection breaks (never after `close()`); its locks are then gone. */
  onLost(onLost: (err: Error) => void): void;
  /** Release the connection and with it every session-level lock it holds. */
  close(): Promise<void>;
}

export interface Database extends Queryable {
  readonly dialect: 'pglite' | 'postgres';
  /**
   * A dedicated connection (see Session).
   * @example const s = await db.session(); await s.query('SELECT pg_try_advisory_lock($1)', [key]);
   */
  session(): Promise<Session>;
  /**
   * Run `fn` in one transaction: committed if it resolves, rolled back if it throws.
   * @example await db.transaction(async (tx) => { await store.insert(tx, row); await audit.record(tx, event); });
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Type OIDs whose parsing both adapters pin so that results look the same on both. */
export const TYPE_OIDS = { int8: 20, date: 1082, numeric: 1700 } as const;

/** int8 as a JavaScript number: our counters stay far below 2^53. */
export const parseInt8 = (v: string): number => Number(v);
/** SQL `date` stays a 'YYYY-MM-DD' string: a calendar date has no time zone to shift it. */
export const parseDate = (v: string): string => v;

/** Channel names given to LISTEN, which takes an identifier, not a parameter. */
export const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
