import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { createServices } from '../../composition.ts';
import { newId } from '../../core/ids.ts';
import { accessHelpers } from '../access/access.test-support.ts';
import { systemActor } from '../auth/actor.ts';

let t: TestApp;
let h: ReturnType<typeof accessHelpers>;
beforeAll(async () => {
  t = await createTestApp();
  h = accessHelpers(t);
});
afterAll(() => t.close());

const HOUR = 3_600_000;

const ask = (token: string, body: Record<string, unknown>) => t.call(token, { method: 'POST', url: '/api/v1/authorize', payload: body });

/** A grant written straight into the table, as an import would: the authorizer must judge it like any other. */
async function insertGrant(personId: string, engagementId: string, resourceId: string, permission: string, hours = 8): Promise<string> {
  const id = newId();
  const now = t.clock.now();
  await t.database.db.query(
    'INSERT INTO grants (id, person_id, engagement_id, resource_id, permission, starts_at, ends_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6)',
    [id, personId, engagementId, resourceId, permission, now, new Date(now.getTime() + hours * HOUR)],
  );
  return id;
}

/** A ready developer with a read grant on a new staging repository, made through requests and the owner's approval. */
async function stagingReadGrant() {
  const dev = await h.readyDeveloper('backend');
  const owner = await t.personWithRole('approver');
  const repo = await h.resource('staging', { owner: owner.id });
  const request = h.ok(await h.request(dev.token, { resource: repo.name, engagementId: dev.engagementId, duration: 'PT8H' }), 201);
  const approved = h.ok(await h.approve(owner.token, request.id));
  expect(approved.status).toBe('approved');
  return { dev, owner, repo, grantId: approved.grantId as string };
}

describe('POST /api/v1/authorize', () => {
  it('allows a staging repository read with an effective grant and says which grant and policy', async () => {
    const { dev, repo, grantId } = await stagingReadGrant();
    const res = await ask(t.adminToken, { principal: dev.handle, action: 'read', resource: repo.name, context: { sourceIp: '203.0.113.9', gateway: 'git' } });
    expect(res.statusCode).toBe(200);
    const d = res.json();
    expect(d).toMatchObject({ decision: 'allow', grantId, policyIds: ['grant-allows'], missing: [], principal: { id: dev.id, handle: dev.handle }, resource: { id: repo.id, name: repo.name } });
    expect(d.reasons).toEqual([
      `grant ${grantId} gives ${dev.handle} read on ${repo.name} until 2026-03-02T18:00:00.000Z`,
      'an effective grant covers this action (policy grant-allows)',
    ]);
    // A read grant does not cover write.
    const write = (await ask(t.adminToken, { principal: dev.id, action: 'write', resource: repo.id })).json();
    expect(write.decision).toBe('deny');
    expect(write.reasons[0]).toBe(`no effective grant gives ${dev.handle} write on ${repo.name}`);
  });

  it('denies the same read once the grant has expired, with no sweeper having run, and records authz.denied', async () => {
    const { dev, repo, grantId } = await stagingReadGrant();
    expect((await ask(t.adminToken, { principal: dev.handle, action: 'read', resource: repo.name })).json().decision).toBe('allow');
    t.clock.advance(8 * HOUR);
    try {
      const d = (await ask(t.adminToken, { principal: dev.handle, action: 'read', resource: repo.name, context: { gateway: 'git', sourceIp: '198.51.100.4' } })).json();
      expect(d.decision).toBe('deny');
      expect(d.grantId).toBeNull();
      expect(d.reasons).toEqual([`no effective grant gives ${dev.handle} read on ${repo.name}: grant ${grantId} ended at 2026-03-02T18:00:00.000Z`]);
      expect(d.missing).toEqual([`an effective grant covering read on ${repo.name} (ask for it with an access request)`]);
      // Answered once journaled; in the log after the group commit.
      await t.services.authorizer.flushDenials();
      const [event] = await t.database.db.query<{ outcome: string; actor_handle: string; target_id: string; details: Record<string, unknown> }>(
        "SELECT outcome, actor_handle, target_id, details FROM audit_events WHERE type = 'authz.denied' AND target_id = $1 ORDER BY seq DESC LIMIT 1",
        [repo.id],
      );
      expect(event).toMatchObject({ outcome: 'denied', actor_handle: 'admin', target_id: repo.id });
      expect(event!.details).toMatchObject({ action: 'read', gateway: 'git', sourceIp: '198.51.100.4', reasons: d.reasons, askedBy: 'admin', principal: { id: dev.id, handle: dev.handle } });
    } finally {
      t.clock.advance(-8 * HOUR);
    }
  });

  it('denies production restricted data to an external developer whatever the grants say', async () => {
    const dev = await h.readyDeveloper('backend');
    const db = await h.resource('production', { sensitivity: 'restricted', kind: 'database' });
    for (const permission of ['read', 'write', 'admin']) await insertGrant(dev.id, dev.engagementId, db.id, permission);
    for (const action of ['read', 'write', 'admin']) {
      const d = (await ask(t.adminToken, { principal: dev.handle, action, resource: db.name })).json();
      expect(d.decision, action).toBe('deny');
      expect(d.policyIds).toEqual(['no-external-restricted-production']);
      expect(d.reasons).toEqual(['external developers never get restricted production data (policy no-external-restricted-production)']);
    }
  });

  it('decides with a developer\'s new duty at once when an admin changes it', async () => {
    const dev = await h.readyDeveloper('backend');
    const db = await h.resource('staging', { kind: 'database' });
    await insertGrant(dev.id, dev.engagementId, db.id, 'read');
    const question = { principal: dev.handle, action: 'read', resource: db.name };
    expect((await ask(t.adminToken, question)).json().decision).toBe('allow');
    const changed = await t.call(t.adminToken, { method: 'PATCH', url: `/api/v1/engagements/${dev.engagementId}/developers/${dev.id}`, payload: { duty: 'frontend' } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().developers).toContainEqual({ id: dev.id, handle: dev.handle, duty: 'frontend' });
    expect((await ask(t.adminToken, question)).json()).toMatchObject({ decision: 'deny', policyIds: ['frontend-no-backend-databases'] });
    const [event] = await t.database.db.query<{ details: Record<string, unknown> }>(
      "SELECT details FROM audit_events WHERE type = 'engagement.developer_duty_changed' AND target_id = $1", [dev.id]);
    expect(event!.details).toMatchObject({ changes: { duty: { from: 'backend', to: 'frontend' } } });
    const stranger = await t.personWithRole('developer');
    const notOn = await t.call(t.adminToken, { method: 'PATCH', url: `/api/v1/engagements/${dev.engagementId}/developers/${stranger.id}`, payload: { duty: 'qa' } });
    expect(notOn.statusCode).toBe(404);
    const bad = await t.call(t.adminToken, { method: 'PATCH', url: `/api/v1/engagements/${dev.engagementId}/developers/${dev.id}`, payload: { duty: 'wizard' } });
    expect(bad.statusCode).toBe(400);
  });

  it('denies a frontend developer a backend database despite a grant, and names what is missing for an unready one', async () => {
    const front = await h.readyDeveloper('frontend');
    const db = await h.resource('staging', { kind: 'database' });
    await insertGrant(front.id, front.engagementId, db.id, 'read');
    const d = (await ask(t.adminToken, { principal: front.handle, action: 'read', resource: db.name })).json();
    expect(d).toMatchObject({ decision: 'deny', policyIds: ['frontend-no-backend-databases'] });
    expect(d.reasons).toEqual(['frontend developers do not get backend databases without an explicit exception (policy frontend-no-backend-databases)']);

    const unvetted = await t.personWithRole('developer');
    const engagementId = await h.engagement();
    await h.addDeveloper(engagementId, unvetted.id, 'backend');
    const repo = await h.resource('staging');
    await insertGrant(unvetted.id, engagementId, repo.id, 'read');
    const u = (await ask(t.adminToken, { principal: unvetted.handle, action: 'read', resource: repo.name })).json();
    expect(u.decision).toBe('deny');
    expect(u.reasons).toEqual(['nothing without readiness: contract, vetting and training requirements must all be met (policy readiness-required)']);
    expect(u.missing).toEqual(expect.arrayContaining([`No background check is recorded for ${unvetted.handle}.`, expect.stringMatching(/security-awareness/)]));
  });

  it('answers unknown principals and resources with a deny, not an error', async () => {
    const d = (await ask(t.adminToken, { principal: 'nobody-here', action: 'read', resource: 'no/such/repo' })).json();
    expect(d).toMatchObject({ decision: 'deny', reasons: ['unknown principal nobody-here'], principal: null });
  });

  it('lets a developer ask only about themselves', async () => {
    const { dev, repo } = await stagingReadGrant();
    expect((await ask(dev.token, { principal: dev.handle, action: 'read', resource: repo.name })).json().decision).toBe('allow');
    const other = await ask(dev.token, { principal: 'admin', action: 'read', resource: repo.name });
    expect(other.statusCode).toBe(403);
    expect((await ask(dev.token, { principal: 'no-such-person', action: 'read', resource: repo.name })).statusCode).toBe(403);
  });

  it('answers a batch in order', async () => {
    const { dev, repo } = await stagingReadGrant();
    const res = await t.call(t.adminToken, {
      method: 'POST', url: '/api/v1/authorize/batch',
      payload: { questions: [{ principal: dev.handle, action: 'read', resource: repo.name }, { principal: dev.handle, action: 'admin', resource: repo.name }] },
    });
    expect(res.json().results.map((r: { decision: string }) => r.decision)).toEqual(['allow', 'deny']);
  });

  it('refuses a source address that is not an IP address', async () => {
    const res = await ask(t.adminToken, { principal: 'admin', action: 'read', resource: 'x', context: { sourceIp: 'not-an-ip' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('body.context.sourceIp');
  });
});

describe('the cache', () => {
  it('never serves an allow that a revocation has made wrong, in this instance or another on the same database', async () => {
    const { dev, owner, repo, grantId } = await stagingReadGrant();
    // A second application instance on the same database, with its own cache (like a second server).
    const other = createServices({ db: t.database.db, clock: t.clock, dataDir: mkdtempSync(path.join(tmpdir(), 'palisade-authz-')) });
    const question = { principal: dev.handle, action: 'read' as const, resource: repo.name, context: { gateway: 'ssh' } };
    expect((await t.services.authorizer.authorize(systemActor, question)).decision).toBe('allow');
    expect((await other.authorizer.authorize(systemActor, question)).decision).toBe('allow');
    const before = other.authorizer.cache.stats();
    expect((await other.authorizer.authorize(systemActor, question)).decision).toBe('allow');
    const after = other.authorizer.cache.stats();
    expect(after.loads).toBe(before.loads);
    // PGlite (one process) learns of changes by notification; PostgreSQL reads the epoch every time.
    expect(after.notified).toBe(t.database.db.dialect === 'pglite');
    expect(after.epochReads - before.epochReads).toBe(t.database.db.dialect === 'pglite' ? 0 : 1);

    const revoked = await t.call(owner.token, { method: 'DELETE', url: `/api/v1/grants/${grantId}`, payload: { reason: 'the sprint is over' } });
    expect(revoked.statusCode).toBe(200);

    for (const instance of [t.services, other]) {
      const d = await instance.authorizer.authorize(systemActor, question);
      expect(d.decision).toBe('deny');
      expect(d.reasons[0]).toBe(`no effective grant gives ${dev.handle} read on ${repo.name}`);
    }
    // A gateway's denial is the developer's attempt: recorded with them as the actor.
    await Promise.all([t.services.authorizer.flushDenials(), other.authorizer.flushDenials()]);
    const [event] = await t.database.db.query<{ actor_handle: string; details: { gateway: string; askedBy: string } }>(
      "SELECT actor_handle, details FROM audit_events WHERE type = 'authz.denied' AND target_id = $1 ORDER BY seq DESC LIMIT 1", [repo.id]);
    expect(event).toMatchObject({ actor_handle: dev.handle, details: { gateway: 'ssh', askedBy: 'system' } });
  });

  it('answers concurrent questions from shared epoch reads, each started after its question arrived', async () => {
    const { dev, owner, repo, grantId } = await stagingReadGrant();
    const question = { principal: dev.handle, action: 'read' as const, resource: repo.name };
    expect((await t.services.authorizer.authorize(systemActor, question)).decision).toBe('allow');
    const before = t.services.authorizer.cache.stats().epochReads;
    const allowed = await Promise.all(Array.from({ length: 20 }, () => t.services.authorizer.authorize(systemActor, question)));
    expect(allowed.every((d) => d.decision === 'allow')).toBe(true);
    // PostgreSQL: one read in flight plus one shared by everyone who arrived meanwhile; PGlite: none.
    expect(t.services.authorizer.cache.stats().epochReads - before).toBeLessThanOrEqual(t.database.db.dialect === 'pglite' ? 0 : 2);
    expect((await t.call(owner.token, { method: 'DELETE', url: `/api/v1/grants/${grantId}`, payload: { reason: 'done' } })).statusCode).toBe(200);
    const denied = await Promise.all(Array.from({ length: 20 }, () => t.services.authorizer.authorize(systemActor, question)));
    expect(denied.map((d) => d.decision)).toEqual(Array(20).fill('deny'));
  });

  it('decides an HTTP question with the epoch read made for its token: one read per request on PostgreSQL', async () => {
    const { dev, repo } = await stagingReadGrant();
    const body = { principal: dev.handle, action: 'read', resource: repo.name };
    expect((await ask(t.adminToken, body)).json().decision).toBe('allow');
    const before = t.services.authorizer.cache.stats().epochReads;
    for (let i = 0; i < 5; i++) expect((await ask(t.adminToken, body)).json().decision).toBe('allow');
    expect(t.services.authorizer.cache.stats().epochReads - before).toBe(t.database.db.dialect === 'pglite' ? 0 : 5);
  });

  it('sees a new policy set at the next decision', async () => {
    const { dev, repo } = await stagingReadGrant();
    const question = { principal: dev.handle, action: 'read' as const, resource: repo.name };
    expect((await t.services.authorizer.authorize(systemActor, question)).decision).toBe('allow');
    const before = (await t.call(t.adminToken, { url: '/api/v1/policies' })).json();
    const text = `${before.text}\n@id("no-staging-from-outside")\n@reason("staging only from the office network")\nforbid (principal, action, resource)\nwhen { resource.environment == "staging" } unless { context has sourceIp && context.sourceIp.isInRange(ip("10.0.0.0/8")) };\n`;
    expect((await t.call(t.adminToken, { method: 'PUT', url: '/api/v1/policies', payload: { text, comment: 'office only' } })).statusCode).toBe(200);
    try {
      const outside = await t.services.authorizer.authorize(systemActor, { ...question, context: { sourceIp: '203.0.113.1' } });
      expect(outside).toMatchObject({ decision: 'deny', policyIds: ['no-staging-from-outside'] });
      expect((await t.services.authorizer.authorize(systemActor, { ...question, context: { sourceIp: '10.1.2.3' } })).decision).toBe('allow');
    } finally {
      expect((await t.call(t.adminToken, { method: 'PUT', url: '/api/v1/policies', payload: { text: before.text } })).statusCode).toBe(200);
    }
  });
});
