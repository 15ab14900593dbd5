import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-db.ts';
import { createAuditService, type AuditService } from '../audit/audit-service.ts';
import { systemActor } from '../auth/actor.ts';
import { createVendorService, type VendorService } from './vendor-service.ts';

let t: TestDatabase;
let vendors: VendorService;
/** Same database, but every audit write fails after the event row is written. */
let failing: VendorService;

beforeAll(async () => {
  t = await createTestDatabase();
  const clock = fixedClock(new Date('2026-03-02T10:00:00Z'));
  const audit = createAuditService({ db: t.db, clock });
  const brokenAudit: AuditService = {
    ...audit,
    async record(tx, actor, event) {
      await audit.record(tx, actor, event);
      throw new Error('audit sink failed half-way');
    },
  };
  vendors = createVendorService({ db: t.db, clock, audit });
  failing = createVendorService({ db: t.db, clock, audit: brokenAudit });
});
afterAll(() => t.drop());

const count = async (sql: string, params: unknown[] = []) => (await t.db.query<{ n: number }>(sql, params))[0]!.n;

describe('a vendor change whose audit event cannot be written', () => {
  it('leaves no vendor and no event behind on create', async () => {
    await expect(failing.create(systemActor, { name: 'Ghost Ltd', contacts: [] })).rejects.toThrow(/half-way/);
    expect(await count("SELECT count(*)::int8 AS n FROM vendors WHERE name = 'Ghost Ltd'")).toBe(0);
    expect(await count("SELECT count(*)::int8 AS n FROM audit_events WHERE type = 'vendor.created'")).toBe(0);
  });

  it('leaves the vendor as it was on update and archive', async () => {
    const v = await vendors.create(systemActor, { name: 'Solid Ltd', contacts: [] });
    await expect(failing.update(systemActor, v.id, { name: 'Liquid Ltd' })).rejects.toThrow(/half-way/);
    await expect(failing.archive(systemActor, v.id)).rejects.toThrow(/half-way/);
    expect(await vendors.get(systemActor, v.id)).toMatchObject({ name: 'Solid Ltd', status: 'active' });
    expect(await count('SELECT count(*)::int8 AS n FROM audit_events WHERE target_id = $1', [v.id])).toBe(1);
  });
});
