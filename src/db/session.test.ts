/** Dedicated sessions: NOTIFY reaches a listener, session advisory locks are exclusive, a killed connection is reported. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

const ON_POSTGRES = Boolean(process.env.DATABASE_URL);
const KEY = 7_309_999;

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('a database session', () => {
  it('hears NOTIFY from transactions committed elsewhere, only after they commit', async () => {
    const s = await t.db.session();
    let heard = 0;
    await s.listen('palisade_test', () => heard++);
    await t.db.transaction(async (tx) => {
      await tx.query("SELECT pg_notify('palisade_test', '')");
      await new Promise((r) => setTimeout(r, 50));
      expect(heard).toBe(0);
    });
    await until(() => heard === 1);
    await s.close();
  });

  it('refuses a channel name that is not a plain identifier', async () => {
    const s = await t.db.session();
    await expect(s.listen('x; DROP TABLE people', () => undefined)).rejects.toThrow(/invalid channel/);
    await s.close();
  });

  it('holds a session advisory lock until closed', async () => {
    const a = await t.db.session();
    expect(await a.query('SELECT pg_try_advisory_lock($1) AS ok', [KEY])).toEqual([{ ok: true }]);
    const b = await t.db.session();
    // PGlite is one connection in one process: the lock is trivially ours there.
    expect(await b.query('SELECT pg_try_advisory_lock($1) AS ok', [KEY])).toEqual([{ ok: !ON_POSTGRES }]);
    await a.close();
    expect(await b.query('SELECT pg_try_advisory_lock($1) AS ok', [KEY])).toEqual([{ ok: true }]);
    await b.close();
  });

  it.skipIf(!ON_POSTGRES)('reports a killed connection, whose lock another session then gets', async () => {
    const a = await t.db.session();
    await a.query('SELECT pg_try_advisory_lock($1)', [KEY]);
    let lost: Error | undefined;
    a.onLost((err) => (lost = err));
    const [{ pid }] = (await a.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
    await t.db.query('SELECT pg_terminate_backend($1)', [pid]);
    await until(() => lost !== undefined);
    const b = await t.db.session();
    expect(await b.query('SELECT pg_try_advisory_lock($1) AS ok', [KEY])).toEqual([{ ok: true }]);
    await b.close();
    await a.close();
  });
});
