import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { systemActor } from '../auth/actor.ts';
import { accessHelpers } from './access.test-support.ts';
import { startAccessSweeper } from './access-sweeper.ts';
import { findEffectiveGrants } from './grant-store.ts';
import { createAccessRequestService } from './request-service.ts';

const START = new Date('2026-03-02T10:00:00Z');
let t: TestApp;
let h: ReturnType<typeof accessHelpers>;
beforeAll(async () => {
  t = await createTestApp(START);
  h = accessHelpers(t);
});
afterAll(() => t.close());
afterEach(() => t.clock.set(START));

describe('a request on a staging repository', () => {
  it('goes to its owner, who approves it, and becomes an active grant — every step an event on the engagement', async () => {
    const owner = await t.personWithRole('approver');
    const repo = await h.resource('staging', { owner: owner.id });
    const dev = await h.readyDeveloper();
    const created = h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId, duration: 'P2D' }), 201);
    expect(created).toMatchObject({
      status: 'pending', personId: dev.id, requestedBy: dev.id, resourceName: repo.name, permission: 'read', duration: 'P2D', durationSeconds: 172_800,
      approvalsRequired: 1, approvals: 0, grantId: null, expiresAt: '2026-03-03T10:00:00.000Z',
      policy: { outcome: 'require_approval', approvalsRequired: 1, policyIds: ['developers-may-request'] },
    });
    const inbox = h.ok(await t.call(owner.token, { url: '/api/v1/access-requests?pendingFor=me' }));
    expect(inbox.items.map((r: { id: string }) => r.id)).toEqual([created.id]);

    const approved = h.ok(await h.approve(owner.token, created.id, 'go ahead'));
    expect(approved).toMatchObject({ status: 'approved', approvals: 1, decisions: [{ approverId: owner.id, decision: 'approve', comment: 'go ahead' }] });
    expect((await t.call(owner.token, { url: '/api/v1/access-requests?pendingFor=me' })).json().items).toEqual([]);

    const grant = h.ok(await t.call(dev.token, { url: `/api/v1/grants/${approved.grantId}` }));
    expect(grant).toMatchObject({ personId: dev.id, resourceId: repo.id, permission: 'read', requestId: created.id, state: 'active', startsAt: START.toISOString(), endsAt: '2026-03-04T10:00:00.000Z' });
    expect(await findEffectiveGrants(t.database.db, dev.id, repo.id, t.clock.now())).toMatchObject([{ id: grant.id, permission: 'read' }]);

    for (const type of ['access_request.created', 'access_request.decision_recorded', 'access_request.approved']) {
      const events = await h.events(type, created.id);
      expect(events, type).toHaveLength(1);
      expect(events[0]!.engagement_id).toBe(dev.engagementId);
    }
    expect((await h.events('grant.created', grant.id))[0]).toMatchObject({ engagement_id: dev.engagementId, actor_handle: owner.handle });
  });

  it('is denied with every reason when the engagement has no signed NDA, and the denial is recorded', async () => {
    const dev = await t.personWithRole('developer');
    const engagementId = await h.engagement({ sign: false });
    await h.addDeveloper(engagementId, dev.id);
    await h.vet(dev.id);
    const repo = await h.resource('staging');
    const res = h.ok(await h.request(dev.token, { resource: repo.id, engagementId }), 201);
    expect(res.status).toBe('denied');
    expect(res.policy.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^The engagement ".+" is draft, not active\.$/), 'The NDA is not signed.', 'The IP-ownership clause is not signed.']));
    expect(res.statusReason).toContain('The NDA is not signed.');
    const [denied] = await h.events('access_request.denied', res.id);
    expect(denied).toMatchObject({ outcome: 'denied', engagement_id: engagementId, details: { by: 'policy', policyIds: expect.arrayContaining(['readiness-required']) } });
    expect((await t.call(dev.token, { url: `/api/v1/grants?personId=${dev.id}` })).json().items).toEqual([]);
  });

  it('is approved at once for read on a development resource for a few hours', async () => {
    const dev = await h.readyDeveloper();
    const repo = await h.resource('development');
    const res = h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId, duration: 'PT2H' }), 201);
    expect(res).toMatchObject({ status: 'approved', approvalsRequired: 0, policy: { outcome: 'auto_approve' }, grantId: expect.any(String) });
    expect(await findEffectiveGrants(t.database.db, dev.id, repo.id, t.clock.now())).toHaveLength(1);
    expect((await h.events('access_request.approved', res.id))[0]!.details).toMatchObject({ by: 'policy' });
  });

  it('is denied outright for an external developer on production restricted data', async () => {
    const dev = await h.readyDeveloper();
    const db = await h.resource('production', { sensitivity: 'restricted', kind: 'database' });
    const res = h.ok(await h.request(dev.token, { resource: db.name, engagementId: dev.engagementId, duration: 'PT1H' }), 201);
    expect(res).toMatchObject({ status: 'denied', policy: { policyIds: ['no-external-restricted-production'] } });
  });
});

describe('checks before the policy', () => {
  it('refuse a duration over the environment maximum, a retired resource, a short justification and someone else\'s request', async () => {
    const dev = await h.readyDeveloper();
    const prod = await h.resource('production');
    const tooLong = await h.request(dev.token, { resource: prod.name, engagementId: dev.engagementId, duration: 'PT9H' });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().errors).toEqual([{ path: 'duration', message: 'at most PT8H (8 hours) for production resources' }]);
    expect((await h.request(dev.token, { resource: prod.name, engagementId: dev.engagementId, duration: 'P1M' })).statusCode).toBe(400);
    expect((await h.request(dev.token, { resource: prod.name, engagementId: dev.engagementId, justification: 'need it' })).statusCode).toBe(400);
    const retired = await h.resource('staging');
    await h.admin({ method: 'DELETE', url: `/api/v1/resources/${retired.id}` });
    expect((await h.request(dev.token, { resource: retired.name, engagementId: dev.engagementId })).statusCode).toBe(409);
    const other = await h.readyDeveloper();
    expect((await h.request(dev.token, { resource: retired.name, engagementId: dev.engagementId, personId: other.id })).statusCode).toBe(403);
    // An engagement the developer is not on does not exist for them; an admin is told why.
    expect((await h.request(dev.token, { resource: prod.name, engagementId: other.engagementId })).statusCode).toBe(404);
    const byAdmin = await h.request(t.adminToken, { resource: prod.name, engagementId: other.engagementId, personId: dev.id });
    expect(byAdmin.statusCode).toBe(409);
    expect(byAdmin.json().detail).toMatch(/is not a developer on the engagement/);
  });

  it('refuse a second pending request for the same access', async () => {
    const dev = await h.readyDeveloper();
    const repo = await h.resource('staging');
    h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId }), 201);
    expect((await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId })).statusCode).toBe(409);
  });
});

describe('production approvals', () => {
  it('need two distinct approvers, never the requester nor the developer', async () => {
    const owner = await t.personWithRole('approver');
    const second = await t.personWithRole('approver');
    const prod = await h.resource('production', { owner: owner.id });
    const dev = await h.readyDeveloper();
    const tooFew = await h.request(t.adminToken, { resource: prod.name, engagementId: dev.engagementId, personId: dev.id });
    expect(tooFew.statusCode).toBe(409);
    expect(tooFew.json().detail).toMatch(/needs 2 approvals but has 1 eligible approver/);

    h.ok(await h.admin({ method: 'POST', url: `/api/v1/resources/${prod.name}/approvers`, payload: { person: second.handle } }));
    h.ok(await h.admin({ method: 'POST', url: `/api/v1/resources/${prod.name}/approvers`, payload: { person: 'admin' } }));
    // The admin asks for the developer; the admin is a designated approver but never approves their own request.
    const req = h.ok(await h.request(t.adminToken, { resource: prod.name, engagementId: dev.engagementId, personId: dev.id, permission: 'write' }), 201);
    expect(req).toMatchObject({ status: 'pending', approvalsRequired: 2, requestedBy: expect.not.stringMatching(dev.id) });
    const own = await h.approve(t.adminToken, req.id);
    expect(own.statusCode).toBe(403);
    expect(own.json().detail).toBe('the requester cannot approve or deny their own request');
    expect((await h.approve(dev.token, req.id)).statusCode).toBe(403);
    const outsider = await t.personWithRole('approver');
    expect((await h.approve(outsider.token, req.id)).json().detail).toMatch(/you are not an approver of/);

    expect(h.ok(await h.approve(owner.token, req.id))).toMatchObject({ status: 'pending', approvals: 1, grantId: null });
    expect((await h.approve(owner.token, req.id)).statusCode).toBe(409);
    const done = h.ok(await h.approve(second.token, req.id));
    expect(done).toMatchObject({ status: 'approved', approvals: 2 });
    expect(done.decisions.map((d: { approverHandle: string }) => d.approverHandle)).toEqual([owner.handle, second.handle]);
    const grant = h.ok(await h.admin({ url: `/api/v1/grants/${done.grantId}` }));
    expect(grant).toMatchObject({ permission: 'write', endsAt: '2026-03-02T18:00:00.000Z' });
  });

  it('end at the first denial, with the approver\'s comment in the history', async () => {
    const owner = await t.personWithRole('approver');
    const repo = await h.resource('staging', { owner: owner.id });
    const dev = await h.readyDeveloper();
    const req = h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId }), 201);
    expect((await t.call(owner.token, { method: 'POST', url: `/api/v1/access-requests/${req.id}/deny`, payload: {} })).statusCode).toBe(400);
    const denied = h.ok(await t.call(owner.token, { method: 'POST', url: `/api/v1/access-requests/${req.id}/deny`, payload: { comment: 'use the sandbox instead' } }));
    expect(denied).toMatchObject({ status: 'denied', statusReason: `denied by ${owner.handle}: use the sandbox instead`, decisions: [{ decision: 'deny', comment: 'use the sandbox instead' }] });
    expect((await h.approve(owner.token, req.id)).statusCode).toBe(409);
    expect((await h.events('access_request.denied', req.id))[0]).toMatchObject({ outcome: 'denied', details: { by: 'approver' } });
  });

  it('are refused while the developer is not ready; the request stays pending and the refusal is recorded', async () => {
    const owner = await t.personWithRole('approver');
    const repo = await h.resource('staging', { owner: owner.id });
    const dev = await h.readyDeveloper();
    const req = h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId }), 201);
    const flag = h.ok(await h.admin({ method: 'POST', url: `/api/v1/people/${dev.id}/vetting/red-flags`, payload: { description: 'found a leaked key in their public repo' } }), 201);
    const refused = await h.approve(owner.token, req.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/not ready.*awaits a reviewer's decision: found a leaked key.*stays pending/);
    expect(h.ok(await h.admin({ url: `/api/v1/access-requests/${req.id}` }))).toMatchObject({ status: 'pending', approvals: 0, decisions: [] });
    expect((await h.events('access_request.approval_refused', req.id))[0]).toMatchObject({ outcome: 'denied', actor_handle: owner.handle });
    await h.admin({ method: 'POST', url: `/api/v1/vetting/red-flags/${flag.id}/decision`, payload: { decision: 'cleared', comment: 'the key was a test fixture' } });
    expect(h.ok(await h.approve(owner.token, req.id)).status).toBe('approved');
  });
});

describe('pending requests', () => {
  it('expire after 24 hours, seen on the next read, and their history stays readable', async () => {
    const owner = await t.personWithRole('approver');
    const repo = await h.resource('staging', { owner: owner.id });
    const dev = await h.readyDeveloper();
    const req = h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId, justification: 'reproduce the staging-only crash' }), 201);
    t.clock.advance(24 * 3600_000 - 1);
    expect(h.ok(await t.call(dev.token, { url: `/api/v1/access-requests/${req.id}` })).status).toBe('pending');
    t.clock.advance(1);
    const expired = h.ok(await t.call(dev.token, { url: `/api/v1/access-requests/${req.id}` }));
    expect(expired).toMatchObject({ status: 'expired', statusReason: 'nobody decided before it expired', decidedAt: expired.expiresAt, justification: 'reproduce the staging-only crash' });
    expect((await h.events('access_request.expired', req.id))[0]).toMatchObject({ actor_handle: 'system', engagement_id: dev.engagementId });
    expect((await h.approve(owner.token, req.id)).statusCode).toBe(409);
    t.clock.advance(30 * 86_400_000);
    const mine = h.ok(await t.call(dev.token, { url: '/api/v1/me/access-requests' }));
    expect(mine.items).toContainEqual(expect.objectContaining({ id: req.id, status: 'expired', requestedByHandle: dev.handle }));
    expect(h.ok(await t.call(owner.token, { url: `/api/v1/access-requests?resourceId=${repo.id}&status=expired` })).items).toHaveLength(1);
    expect(await h.events('access_request.expired', req.id)).toHaveLength(1);
  });

  it('expire through the sweeper too, once each, with the configured lifetime', async () => {
    h.ok(await h.admin({ method: 'PATCH', url: '/api/v1/settings/access', payload: { pendingTtl: 'PT1H' } }));
    try {
      const dev = await h.readyDeveloper();
      const repo = await h.resource('staging');
      const req = h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId }), 201);
      expect(req.expiresAt).toBe('2026-03-02T11:00:00.000Z');
      const sweeper = startAccessSweeper(t.services, { autoStart: false });
      expect(await sweeper.runOnce()).toBe(0);
      t.clock.advance(3600_000);
      expect(await sweeper.runOnce()).toBeGreaterThanOrEqual(1);
      expect(await sweeper.runOnce()).toBe(0);
      await sweeper.stop();
      const [row] = await t.database.db.query<{ status: string }>('SELECT status FROM access_requests WHERE id = $1', [req.id]);
      expect(row!.status).toBe('expired');
      expect(await h.events('access_request.expired', req.id)).toHaveLength(1);
    } finally {
      h.ok(await h.admin({ method: 'PATCH', url: '/api/v1/settings/access', payload: { pendingTtl: 'PT24H' } }));
    }
  });

  it('can be cancelled by the developer, not by another developer', async () => {
    const dev = await h.readyDeveloper();
    const other = await h.readyDeveloper();
    const repo = await h.resource('staging');
    const req = h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId }), 201);
    expect((await t.call(other.token, { method: 'POST', url: `/api/v1/access-requests/${req.id}/cancel` })).statusCode).toBe(404);
    expect((await t.call(other.token, { url: `/api/v1/access-requests/${req.id}` })).statusCode).toBe(404);
    const cancelled = h.ok(await t.call(dev.token, { method: 'POST', url: `/api/v1/access-requests/${req.id}/cancel` }));
    expect(cancelled).toMatchObject({ status: 'cancelled', statusReason: 'cancelled by the requester' });
    expect((await t.call(dev.token, { method: 'POST', url: `/api/v1/access-requests/${req.id}/cancel` })).statusCode).toBe(409);
    expect((await t.call(other.token, { url: '/api/v1/access-requests' })).json().items.some((r: { id: string }) => r.id === req.id)).toBe(false);
  });
});

describe('access settings', () => {
  it('start at the defaults, change with validation and an audit event, and bound request durations', async () => {
    expect(h.ok(await h.admin({ url: '/api/v1/settings/access' }))).toEqual({
      maxDuration: { production: 'PT8H', staging: 'P7D', development: 'P30D' },
      pendingTtl: 'P1D',
      readiness: { requiredTraining: ['security-awareness'], referencesRequired: 1, securityQuiz: 'security-awareness' },
    });
    const bad = await h.admin({ method: 'PATCH', url: '/api/v1/settings/access', payload: { maxDuration: { production: 'P1Y' }, pendingTtl: 'PT1M' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.maxDuration.production', 'body.pendingTtl']);
    const auditor = await t.personWithRole('auditor');
    expect((await t.call(auditor.token, { method: 'PATCH', url: '/api/v1/settings/access', payload: { pendingTtl: 'PT2H' } })).statusCode).toBe(403);
    try {
      expect(h.ok(await h.admin({ method: 'PATCH', url: '/api/v1/settings/access', payload: { maxDuration: { production: 'PT4H' } } })).maxDuration).toEqual({ production: 'PT4H', staging: 'P7D', development: 'P30D' });
      const event = (await h.events('settings.updated')).at(-1);
      expect(event!.details).toEqual({ changes: { maxDuration: { from: { production: 'PT8H', staging: 'P7D', development: 'P30D' }, to: { production: 'PT4H', staging: 'P7D', development: 'P30D' } } } });
      const dev = await h.readyDeveloper();
      const prod = await h.resource('production');
      const res = await h.request(dev.token, { resource: prod.name, engagementId: dev.engagementId, duration: 'PT5H' });
      expect(res.json().errors).toEqual([{ path: 'duration', message: 'at most PT4H (4 hours) for production resources' }]);
    } finally {
      await h.admin({ method: 'PATCH', url: '/api/v1/settings/access', payload: { maxDuration: { production: 'PT8H' } } });
    }
  });
});

describe('the readiness gate', () => {
  it('holds even when a policy would approve a developer who is not ready', async () => {
    const lenient = createAccessRequestService({
      db: t.database.db, clock: t.clock, audit: t.services.audit,
      policy: { evaluateRequest: async () => ({ outcome: 'auto_approve', approvalsRequired: 0, reasons: ['anything goes'], policyIds: ['test.lenient'] }) },
    });
    const dev = await t.personWithRole('developer');
    const engagementId = await h.engagement();
    await h.addDeveloper(engagementId, dev.id);
    const repo = await h.resource('development');
    const r = await lenient.create(systemActor, { resource: repo.name, permission: 'read', duration: 3600, justification: 'trying the lenient policy', engagementId, personId: dev.id });
    expect(r).toMatchObject({ status: 'denied', grantId: null, policy: { policyIds: ['palisade.readiness-gate', 'test.lenient'] } });
    expect(r.policy.reasons).toContain(`No background check is recorded for ${dev.handle}.`);
  });
});
