import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from './migrate.ts';
import { openPostgres } from './postgres.ts';
import { createEmptyPostgresDatabase, createTestDatabase, type TestDatabase } from './test-db.ts';

describe('migrations', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('create every table of the foundation', async () => {
    const rows = await t.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    const names = rows.map((r) => r.table_name);
    for (const table of ['people', 'vendors', 'engagements', 'resources', 'api_tokens', 'audit_events']) {
      expect(names).toContain(table);
    }
  });

  it('are applied once: a second run applies nothing', async () => {
    expect(await migrate(t.db)).toEqual([]);
  });

  it('roll a failing migration back completely and leave it unrecorded', async () => {
    const bad = [{ version: '9999_bad', sql: 'CREATE TABLE half_done (x int);\nSELECT * FROM no_such_table;' }];
    await expect(migrate(t.db, bad)).rejects.toThrow();
    const tables = await t.db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
    expect(tables).toHaveLength(0);
    const recorded = await t.db.query("SELECT 1 FROM schema_migrations WHERE version = '9999_bad'");
    expect(recorded).toHaveLength(0);
  });

  // Servers starting together on one empty PostgreSQL database each run migrate() on their own connection.
  it.skipIf(!process.env.DATABASE_URL)('let several servers migrate one empty PostgreSQL database at once', async () => {
    for (let round = 0; round < 3; round++) {
      const empty = await createEmptyPostgresDatabase(process.env.DATABASE_URL!);
      const servers = await Promise.all(Array.from({ length: 6 }, () => openPostgres(empty.url, 1)));
      try {
        const applied = await Promise.all(servers.map((db) => migrate(db)));
        expect(applied.flat().filter((v) => v.startsWith('0001_'))).toEqual(['0001_foundation']);
      } finally {
        await Promise.all(servers.map((db) => db.close()));
        await empty.drop();
      }
    }
  });

  it('return the same JavaScript types on both databases', async () => {
    const [row] = await t.db.query<{ n: unknown; d: unknown; ts: unknown; j: unknown }>(
      "SELECT 42::int8 AS n, '2026-03-01'::date AS d, now() AS ts, '{\"a\":[1]}'::jsonb AS j",
    );
    expect(row).toEqual({ n: 42, d: '2026-03-01', ts: expect.any(Date), j: { a: [1] } });
  });
});
