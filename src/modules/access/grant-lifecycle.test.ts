import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { systemActor } from '../auth/actor.ts';
import { createEngagementService } from '../engagements/engagement-service.ts';
import { createAccessHooks } from './access-hooks.ts';
import { createEndAccess } from './access-revocation.ts';
import { accessHelpers } from './access.test-support.ts';
import { findEffectiveGrants } from './grant-store.ts';

const START = new Date('2026-03-02T10:00:00Z');
let t: TestApp;
let h: ReturnType<typeof accessHelpers>;
beforeAll(async () => {
  t = await createTestApp(START);
  h = accessHelpers(t);
});
afterAll(() => t.close());
afterEach(() => t.clock.set(START));

/** A ready developer with `n` auto-approved read grants on development repositories, and one pending staging request. */
async function developerWithGrants(n: number) {
  const dev = await h.readyDeveloper();
  const grantIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const repo = await h.resource('development');
    grantIds.push(h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId, duration: 'PT4H' }), 201).grantId);
  }
  const staging = await h.resource('staging');
  const pending = h.ok(await h.request(dev.token, { resource: staging.name, engagementId: dev.engagementId }), 201);
  return { dev, grantIds, pendingId: pending.id as string };
}

const effective = (personId: string) =>
  t.database.db.query<{ id: string }>('SELECT id FROM grants WHERE person_id = $1 AND revoked_at IS NULL AND ends_at > $2 ORDER BY id', [personId, t.clock.now()]);

describe('a grant', () => {
  it('stops counting at its end time with no sweeper run, and says so', async () => {
    const dev = await h.readyDeveloper();
    const repo = await h.resource('development');
    const { grantId } = h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId, duration: 'PT2H' }), 201);
    const db = t.database.db;
    expect((await findEffectiveGrants(db, dev.id, repo.id, t.clock.now())).map((g) => g.id)).toEqual([grantId]);
    t.clock.advance(2 * 3600_000 - 1);
    expect(await findEffectiveGrants(db, dev.id, repo.id, t.clock.now())).toHaveLength(1);
    t.clock.advance(1);
    expect(await findEffectiveGrants(db, dev.id, repo.id, t.clock.now())).toEqual([]);
    // Nothing was written: the row is as it was, only time moved.
    const [row] = await db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM grants WHERE id = $1', [grantId]);
    expect(row!.revoked_at).toBeNull();
    expect(h.ok(await t.call(dev.token, { url: `/api/v1/grants/${grantId}` })).state).toBe('expired');
    expect(h.ok(await h.admin({ url: `/api/v1/grants?personId=${dev.id}&state=expired` })).items.map((g: { id: string }) => g.id)).toEqual([grantId]);
    expect(h.ok(await h.admin({ url: `/api/v1/grants?personId=${dev.id}&state=active` })).items).toEqual([]);
  });

  it('never starts before now nor outlasts the last day of the engagement', async () => {
    const dev = await t.personWithRole('developer');
    const engagementId = await h.engagement({ endDate: '2026-03-03' });
    await h.addDeveloper(engagementId, dev.id);
    await h.vet(dev.id);
    const owner = await t.personWithRole('approver');
    const repo = await h.resource('staging', { owner: owner.id });
    const req = h.ok(await h.request(t.adminToken, { resource: repo.name, engagementId, personId: dev.id, duration: 'P7D' }), 201);
    const approved = h.ok(await h.approve(owner.token, req.id));
    const grant = h.ok(await h.admin({ url: `/api/v1/grants/${approved.grantId}` }));
    expect(grant).toMatchObject({ startsAt: START.toISOString(), endsAt: '2026-03-04T00:00:00.000Z' });
    expect((await h.events('grant.created', grant.id))[0]!.details).toMatchObject({ cappedByEngagementEnd: true });
  });

  it('is revoked by its resource owner or an admin with a reason, by nobody else, and only once', async () => {
    const owner = await t.personWithRole('approver');
    const otherApprover = await t.personWithRole('approver');
    const dev = await h.readyDeveloper();
    const repo = await h.resource('development', { owner: owner.id });
    const { grantId } = h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId, duration: 'PT1H' }), 201);
    const revoke = (token: string, reason?: string) => t.call(token, { method: 'DELETE', url: `/api/v1/grants/${grantId}`, payload: reason === undefined ? {} : { reason } });
    expect((await revoke(owner.token)).statusCode).toBe(400);
    expect((await revoke(otherApprover.token, 'not needed')).statusCode).toBe(403);
    expect((await revoke(dev.token, 'not needed')).statusCode).toBe(403);
    const revoked = h.ok(await revoke(owner.token, 'task finished early'));
    expect(revoked).toMatchObject({ state: 'revoked', revokedBy: owner.id, revokeReason: 'task finished early' });
    expect(await findEffectiveGrants(t.database.db, dev.id, repo.id, t.clock.now())).toEqual([]);
    expect((await revoke(t.adminToken, 'again')).statusCode).toBe(409);
    expect((await h.events('grant.revoked', grantId))[0]).toMatchObject({ actor_handle: owner.handle, engagement_id: dev.engagementId, details: { reason: 'task finished early', bulk: false } });
  });

  it('is visible to its developer, and other developers\' grants are not', async () => {
    const a = await developerWithGrants(1);
    const b = await developerWithGrants(1);
    const mine = h.ok(await t.call(a.dev.token, { url: '/api/v1/grants' }));
    expect(mine.items.map((g: { id: string }) => g.id)).toEqual(a.grantIds);
    expect((await t.call(a.dev.token, { url: `/api/v1/grants/${b.grantIds[0]}` })).statusCode).toBe(404);
    expect(h.ok(await t.call(a.dev.token, { url: `/api/v1/grants?personId=${b.dev.id}` })).items).toEqual([]);
  });
});

describe('ending access at once', () => {
  it('ending the engagement revokes every grant, one event each, and cancels pending requests, in its transaction', async () => {
    const { dev, grantIds, pendingId } = await developerWithGrants(3);
    const ended = h.ok(await h.admin({ method: 'DELETE', url: `/api/v1/engagements/${dev.engagementId}` }));
    expect(ended.status).toBe('ended');
    expect(await effective(dev.id)).toEqual([]);
    const events = await t.database.db.query<{ target_id: string; details: { reason: string; bulk: boolean } }>(
      "SELECT target_id, details FROM audit_events WHERE type = 'grant.revoked' AND engagement_id = $1 ORDER BY target_id", [dev.engagementId]);
    expect(events.map((e) => e.target_id)).toEqual([...grantIds].sort());
    expect(events[0]!.details).toMatchObject({ reason: expect.stringMatching(/was ended$/), bulk: true });
    const [endedEvent] = await h.events('engagement.ended', dev.engagementId);
    expect(endedEvent!.details).toMatchObject({ revokedGrantIds: [...grantIds].sort(), cancelledRequestIds: [pendingId] });
    expect(h.ok(await h.admin({ url: `/api/v1/access-requests/${pendingId}` }))).toMatchObject({ status: 'cancelled', statusReason: expect.stringMatching(/was ended$/) });
  });

  it('suspending the engagement revokes too, and a new request is denied while it is suspended', async () => {
    const { dev, grantIds } = await developerWithGrants(2);
    h.ok(await h.admin({ method: 'POST', url: `/api/v1/engagements/${dev.engagementId}/suspend` }));
    expect(await effective(dev.id)).toEqual([]);
    expect(await h.events('grant.revoked')).toEqual(expect.arrayContaining(grantIds.map((id) => expect.objectContaining({ target_id: id }))));
    const repo = await h.resource('development');
    const res = h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId, duration: 'PT1H' }), 201);
    expect(res).toMatchObject({ status: 'denied', statusReason: expect.stringMatching(/is suspended, not active/) });
  });

  it('offboarding a developer revokes their grants on every engagement', async () => {
    const { dev, grantIds } = await developerWithGrants(2);
    const secondEngagement = await h.engagement();
    await h.addDeveloper(secondEngagement, dev.id);
    const repo = await h.resource('development');
    grantIds.push(h.ok(await h.request(dev.token, { resource: repo.name, engagementId: secondEngagement, duration: 'PT1H' }), 201).grantId);
    const bystander = await developerWithGrants(1);
    h.ok(await h.admin({ method: 'DELETE', url: `/api/v1/people/${dev.id}` }));
    expect(await effective(dev.id)).toEqual([]);
    expect(await effective(bystander.dev.id)).toHaveLength(1);
    const [off] = await h.events('person.offboarded', dev.id);
    expect((off!.details.revokedGrantIds as string[]).sort()).toEqual([...grantIds].sort());
    for (const id of grantIds) expect(await h.events('grant.revoked', id)).toHaveLength(1);
  });

  it('suspending a person revokes their grants; taking a developer off an engagement revokes only that engagement\'s', async () => {
    const a = await developerWithGrants(1);
    h.ok(await h.admin({ method: 'PATCH', url: `/api/v1/people/${a.dev.id}`, payload: { status: 'suspended' } }));
    expect(await effective(a.dev.id)).toEqual([]);

    const b = await developerWithGrants(1);
    const other = await h.engagement();
    await h.addDeveloper(other, b.dev.id);
    const repo = await h.resource('development');
    const kept = h.ok(await h.request(b.dev.token, { resource: repo.name, engagementId: other, duration: 'PT1H' }), 201).grantId;
    h.ok(await h.admin({ method: 'DELETE', url: `/api/v1/engagements/${b.dev.engagementId}/developers/${b.dev.id}` }));
    expect((await effective(b.dev.id)).map((g) => g.id)).toEqual([kept]);
    const [removed] = await h.events('engagement.developer_removed', b.dev.id);
    expect(removed!.details).toMatchObject({ revokedGrantIds: b.grantIds, cancelledRequestIds: [b.pendingId] });
  });

  it('retiring a resource revokes every grant on it and cancels its pending requests, and nothing else', async () => {
    const a = await developerWithGrants(1);
    const b = await h.readyDeveloper();
    const repo = await h.resource('development');
    const onRepo = [a, { dev: b }].map(async ({ dev }) => h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId, duration: 'PT1H' }), 201).grantId as string);
    const grantIds = await Promise.all(onRepo);
    h.ok(await h.admin({ method: 'DELETE', url: `/api/v1/resources/${repo.name}` }));
    expect((await effective(a.dev.id)).map((g) => g.id)).toEqual(a.grantIds);
    expect(await effective(b.id)).toEqual([]);
    for (const id of grantIds) {
      const [revoked] = await h.events('grant.revoked', id);
      expect(revoked!.details).toMatchObject({ resourceId: repo.id, reason: `the resource "${repo.name}" was retired`, bulk: true });
    }
    const staging = await h.resource('staging');
    const pending = h.ok(await h.request(b.token, { resource: staging.name, engagementId: b.engagementId }), 201);
    h.ok(await h.admin({ method: 'DELETE', url: `/api/v1/resources/${staging.name}` }));
    expect(h.ok(await h.admin({ url: `/api/v1/access-requests/${pending.id}` }))).toMatchObject({ status: 'cancelled', statusReason: expect.stringMatching(/was retired$/) });
  });

  it('rolls the revocations back with the status change when anything in its transaction fails', async () => {
    const { dev, grantIds } = await developerWithGrants(2);
    const endAccess = createEndAccess({ clock: t.clock, audit: t.services.audit });
    const engagements = createEngagementService({
      db: t.database.db, clock: t.clock, audit: t.services.audit,
      onStatusChange: [createAccessHooks(endAccess).onEngagementStatusChange, async () => { throw new Error('a later hook fails'); }],
    });
    await expect(engagements.end(systemActor, dev.engagementId)).rejects.toThrow('a later hook fails');
    expect((await effective(dev.id)).map((g) => g.id)).toEqual(grantIds);
    for (const id of grantIds) expect(await h.events('grant.revoked', id)).toEqual([]);
    expect(h.ok(await h.admin({ url: `/api/v1/engagements/${dev.engagementId}` })).status).toBe('active');
  });
});

describe('designated approvers', () => {
  it('are listed after the owner, must be active approver or admin members, and are removed by status', async () => {
    const owner = await t.personWithRole('approver');
    const extra = await t.personWithRole('approver');
    const auditor = await t.personWithRole('auditor');
    const dev = await t.personWithRole('developer');
    const repo = await h.resource('production', { owner: owner.id });
    const url = `/api/v1/resources/${repo.name}/approvers`;
    expect(h.ok(await h.admin({ url })).items).toEqual([{ personId: owner.id, handle: owner.handle, source: 'owner', addedAt: null }]);
    for (const p of [auditor, dev]) expect((await h.admin({ method: 'POST', url, payload: { person: p.handle } })).statusCode).toBe(400);
    expect((await h.admin({ method: 'POST', url, payload: { person: owner.handle } })).statusCode).toBe(409);
    const added = h.ok(await h.admin({ method: 'POST', url, payload: { person: extra.handle } }));
    expect(added.items.map((a: { handle: string; source: string }) => [a.handle, a.source])).toEqual([[owner.handle, 'owner'], [extra.handle, 'designated']]);
    expect((await t.call(extra.token, { method: 'POST', url, payload: { person: extra.handle } })).statusCode).toBe(403);
    h.ok(await h.admin({ method: 'DELETE', url: `${url}/${extra.handle}` }));
    expect((await h.admin({ method: 'DELETE', url: `${url}/${extra.handle}` })).statusCode).toBe(404);
    expect(h.ok(await h.admin({ url })).items).toHaveLength(1);
    const [row] = await t.database.db.query<{ removed_at: Date | null }>('SELECT removed_at FROM resource_approvers WHERE person_id = $1', [extra.id]);
    expect(row!.removed_at).not.toBeNull();
    expect((await h.events('resource.approver_added', repo.id))).toHaveLength(1);
    expect((await h.events('resource.approver_removed', repo.id))).toHaveLength(1);
  });
});
