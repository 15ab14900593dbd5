import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-db.ts';
import { createAuditService, type AuditService } from '../audit/audit-service.ts';
import { systemActor } from '../auth/actor.ts';
import { createPeopleService } from '../people/people-service.ts';
import { createEngagementService, type EngagementService, type StatusChangeHook } from './engagement-service.ts';
import type { CreateEngagementInput } from './engagement-types.ts';

let t: TestDatabase;
let audit: AuditService;
let engagements: EngagementService;
/** Same database, but every audit write fails after the event row is written. */
let failing: EngagementService;
let developerId: string;
const clock = fixedClock(new Date('2026-03-02T10:00:00Z'));

const draft = (over: Partial<CreateEngagementInput> = {}): CreateEngagementInput => ({
  name: 'Atomic',
  vendorId: null,
  startDate: '2026-03-01',
  endDate: '2026-12-31',
  touchesPersonalData: false,
  contract: {},
  developerIds: [],
  ...over,
});
const signed = async (id: string) => {
  await engagements.signTerm(systemActor, id, 'nda', { sha256: 'a'.repeat(64), signer: 'Dana', signedAt: '2026-02-27' });
  await engagements.signTerm(systemActor, id, 'ipOwnership', { sha256: 'b'.repeat(64), signer: 'Dana', signedAt: '2026-02-27' });
};
const count = async (sql: string, params: unknown[] = []) => (await t.db.query<{ n: number }>(sql, params))[0]!.n;

beforeAll(async () => {
  t = await createTestDatabase();
  audit = createAuditService({ db: t.db, clock });
  const brokenAudit: AuditService = {
    ...audit,
    async record(tx, actor, event) {
      await audit.record(tx, actor, event);
      throw new Error('audit sink failed half-way');
    },
  };
  engagements = createEngagementService({ db: t.db, clock, audit });
  failing = createEngagementService({ db: t.db, clock, audit: brokenAudit });
  const people = createPeopleService({ db: t.db, clock, audit });
  developerId = (await people.create(systemActor, {
    handle: 'freya', name: 'Freya Lance', email: 'freya@example.test', kind: 'external', timeZone: 'UTC',
    workingHours: { days: ['mon'], start: '09:00', end: '17:00' }, sshPublicKeys: [],
  })).id;
});
afterAll(() => t.drop());

describe('an engagement change whose audit event cannot be written', () => {
  it('leaves no engagement, no developer row and no event behind on create', async () => {
    await expect(failing.create(systemActor, draft({ name: 'Ghost engagement', developerIds: [developerId] }))).rejects.toThrow(/half-way/);
    expect(await count("SELECT count(*)::int8 AS n FROM engagements WHERE name = 'Ghost engagement'")).toBe(0);
    expect(await count('SELECT count(*)::int8 AS n FROM engagement_developers')).toBe(0);
    expect(await count("SELECT count(*)::int8 AS n FROM audit_events WHERE type LIKE 'engagement.%'")).toBe(0);
  });

  it('leaves status, developers, terms and documents as they were', async () => {
    const e = await engagements.create(systemActor, draft());
    await signed(e.id);
    const eventsBefore = await count('SELECT count(*)::int8 AS n FROM audit_events WHERE engagement_id = $1', [e.id]);
    await expect(failing.activate(systemActor, e.id)).rejects.toThrow(/half-way/);
    await expect(failing.end(systemActor, e.id)).rejects.toThrow(/half-way/);
    await expect(failing.addDeveloper(systemActor, e.id, developerId)).rejects.toThrow(/half-way/);
    await expect(failing.update(systemActor, e.id, { name: 'Renamed' })).rejects.toThrow(/half-way/);
    await expect(failing.signTerm(systemActor, e.id, 'nda', { sha256: 'c'.repeat(64), signer: 'Eve', signedAt: '2026-03-01' })).rejects.toThrow(/half-way/);

    const after = await engagements.get(systemActor, e.id);
    expect(after).toMatchObject({ name: 'Atomic', status: 'draft', developers: [], contract: { nda: { sha256: 'a'.repeat(64), signer: 'Dana' } } });
    expect(await count('SELECT count(*)::int8 AS n FROM audit_events WHERE engagement_id = $1', [e.id])).toBe(eventsBefore);
  });

  it('leaves no document behind when the upload\'s event cannot be written', async () => {
    const e = await engagements.create(systemActor, draft({ name: 'Doc atomic' }));
    const bytes = Buffer.from('%PDF-1.4 signed');
    await engagements.signTerm(systemActor, e.id, 'nda', { sha256: createHash('sha256').update(bytes).digest('hex'), signer: 'Dana', signedAt: '2026-02-27' });
    await expect(failing.uploadDocument(systemActor, e.id, 'nda', { content: bytes, contentType: 'application/pdf' })).rejects.toThrow(/half-way/);
    expect(await count('SELECT count(*)::int8 AS n FROM engagement_documents WHERE engagement_id = $1', [e.id])).toBe(0);
  });
});

describe('the status-change seam (where issue 3 revokes grants)', () => {
  it('runs hooks inside the transaction and adds what they return to the event', async () => {
    const seen: string[] = [];
    const hook: StatusChangeHook = async (tx, _actor, { engagement, from, to }) => {
      const [row] = await tx.query<{ status: string }>('SELECT status FROM engagements WHERE id = $1', [engagement.id]);
      seen.push(`${from}->${to} (row says ${row!.status})`);
      return { revokedGrantIds: [] };
    };
    const withHook = createEngagementService({ db: t.db, clock, audit, onStatusChange: [hook] });
    const e = await withHook.create(systemActor, draft({ name: 'Hooked' }));
    await signed(e.id);
    await withHook.activate(systemActor, e.id);
    await withHook.suspend(systemActor, e.id);
    expect(seen).toEqual(['draft->active (row says active)', 'active->suspended (row says suspended)']);
    const [event] = await t.db.query<{ details: Record<string, unknown> }>(
      "SELECT details FROM audit_events WHERE engagement_id = $1 AND type = 'engagement.suspended'",
      [e.id],
    );
    expect(event?.details).toMatchObject({ from: 'active', to: 'suspended', revokedGrantIds: [] });
  });

  it('rolls the status change back when a hook fails', async () => {
    const withBrokenHook = createEngagementService({
      db: t.db, clock, audit,
      onStatusChange: [async () => { throw new Error('could not revoke grants'); }],
    });
    const e = await engagements.create(systemActor, draft({ name: 'Stays active' }));
    await signed(e.id);
    await engagements.activate(systemActor, e.id);
    await expect(withBrokenHook.end(systemActor, e.id)).rejects.toThrow(/revoke/);
    expect((await engagements.get(systemActor, e.id)).status).toBe('active');
    expect(await count("SELECT count(*)::int8 AS n FROM audit_events WHERE engagement_id = $1 AND type = 'engagement.ended'", [e.id])).toBe(0);
  });
});
