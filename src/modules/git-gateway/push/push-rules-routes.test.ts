/** @module git-gateway/push/push-rules-routes.test — admins set push rules and the allow list over HTTP; every change is an audit event. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.ts';
import { activeAllowRules, findPushRules } from './push-rules-store.ts';

let t: TestApp;
let approver: { id: string; handle: string; token: string };
let auditor: { id: string; handle: string; token: string };
let repoId: string;

const fingerprint = 'ab'.repeat(32);

async function eventsOf(type: string, targetId: string) {
  return t.database.db.query<{ details: Record<string, unknown>; actor_handle: string }>(
    'SELECT details, actor_handle FROM audit_events WHERE type = $1 AND target_id = $2 ORDER BY seq',
    [type, targetId],
  );
}

beforeAll(async () => {
  t = await createTestApp();
  approver = await t.personWithRole('approver');
  auditor = await t.personWithRole('auditor');
  const base = { environment: 'staging', sensitivity: 'internal', ownerId: approver.id };
  const repo = await t.call(t.adminToken, { method: 'POST', url: '/api/v1/resources', payload: { ...base, name: 'payments/api', kind: 'git_repository' } });
  repoId = repo.json().id;
  await t.call(t.adminToken, { method: 'POST', url: '/api/v1/resources', payload: { ...base, name: 'db-main', kind: 'database' } });
});
afterAll(() => t.close());

describe('push rules of a repository', () => {
  it('are the defaults until an admin sets them: main, master and every tag protected, no contribution pattern', async () => {
    const res = await t.call(auditor.token, { url: '/api/v1/resources/payments%2Fapi/git-rules' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      resourceId: repoId, resourceName: 'payments/api', protectedRefs: ['refs/heads/main', 'refs/heads/master', 'refs/tags/*'],
      contribPattern: null, isDefault: true, updatedAt: null,
    });
  });

  it('are replaced by an admin, stored, and recorded as git_push_rules.updated with what changed', async () => {
    const payload = { protectedRefs: ['refs/heads/main', 'refs/heads/release-*'], contribPattern: 'refs/heads/contrib/<handle>/*' };
    const res = await t.call(t.adminToken, { method: 'PUT', url: `/api/v1/resources/${repoId}/git-rules`, payload });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ...payload, isDefault: false });
    expect(await findPushRules(t.services.db, repoId)).toMatchObject(payload);
    const [event] = await eventsOf('git_push_rules.updated', repoId);
    expect(event?.actor_handle).toBe('admin');
    expect(event?.details).toMatchObject({
      name: 'payments/api', wasDefault: true,
      changes: { contribPattern: { from: null, to: 'refs/heads/contrib/<handle>/*' }, protectedRefs: { to: payload.protectedRefs } },
    });
  });

  it('refuse malformed patterns with the field that is wrong', async () => {
    const bad = async (payload: Record<string, unknown>) => {
      const res = await t.call(t.adminToken, { method: 'PUT', url: `/api/v1/resources/${repoId}/git-rules`, payload });
      expect(res.statusCode).toBe(400);
      return res.json().errors.map((e: { path: string }) => e.path);
    };
    expect(await bad({ protectedRefs: ['main'], contribPattern: null })).toContain('body.protectedRefs.0');
    expect(await bad({ protectedRefs: [], contribPattern: 'refs/heads/contrib/*' })).toContain('body.contribPattern');
    expect(await bad({ protectedRefs: ['refs/heads/<handle>'], contribPattern: null })).toContain('body.protectedRefs.0');
    expect(await bad({ protectedRefs: ['refs/heads/a', 'refs/heads/a'], contribPattern: null })).toContain('body.protectedRefs');
  });

  it('exist only for git repositories, and only admins change them', async () => {
    expect((await t.call(t.adminToken, { url: '/api/v1/resources/db-main/git-rules' })).statusCode).toBe(409);
    expect((await t.call(t.adminToken, { url: '/api/v1/resources/nope/git-rules' })).statusCode).toBe(404);
    const put = await t.call(approver.token, { method: 'PUT', url: `/api/v1/resources/${repoId}/git-rules`, payload: { protectedRefs: [], contribPattern: null } });
    expect(put.statusCode).toBe(403);
  });
});

describe('the push-scan allow list', () => {
  it('takes fingerprints and path patterns with a reason, for one repository or all, and records who added them', async () => {
    const one = await t.call(t.adminToken, { method: 'POST', url: '/api/v1/git-push-allowlist', payload: { resource: 'payments/api', fingerprint, reason: 'documented example key' } });
    expect(one.statusCode, one.body).toBe(201);
    expect(one.json()).toMatchObject({ resourceId: repoId, resourceName: 'payments/api', fingerprint, pathPattern: null, status: 'active', createdByHandle: 'admin' });
    const all = await t.call(t.adminToken, { method: 'POST', url: '/api/v1/git-push-allowlist', payload: { pathPattern: 'test/fixtures/**', reason: 'fake fixtures' } });
    expect(all.json()).toMatchObject({ resourceId: null, pathPattern: 'test/fixtures/**' });
    const [event] = await eventsOf('git_push_allow_entry.created', one.json().id);
    expect(event?.details).toMatchObject({ resourceName: 'payments/api', byFingerprint: true, reason: 'documented example key' });
    expect(JSON.stringify(event?.details)).not.toContain(fingerprint);
    expect((await activeAllowRules(t.services.db, repoId)).map((r) => r.id)).toEqual([one.json().id, all.json().id]);

    const listed = await t.call(auditor.token, { url: '/api/v1/git-push-allowlist?resource=payments%2Fapi' });
    expect(listed.json().items.map((e: { id: string }) => e.id)).toEqual([one.json().id, all.json().id]);
  });

  it('refuses an entry without a fingerprint or a path, a malformed fingerprint, and a leading-slash path', async () => {
    for (const payload of [{ reason: 'nothing to match' }, { fingerprint: 'ABC', reason: 'bad' }, { pathPattern: '/etc/x', reason: 'absolute' }]) {
      const res = await t.call(t.adminToken, { method: 'POST', url: '/api/v1/git-push-allowlist', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const developer = await t.personWithRole('developer');
    const res = await t.call(developer.token, { method: 'POST', url: '/api/v1/git-push-allowlist', payload: { fingerprint, reason: 'let me' } });
    expect(res.statusCode).toBe(403);
  });

  it('removes an entry by status change: it stops applying but stays listed as removed', async () => {
    const created = await t.call(t.adminToken, { method: 'POST', url: '/api/v1/git-push-allowlist', payload: { fingerprint: 'cd'.repeat(32), reason: 'temporary' } });
    const id = created.json().id as string;
    const removed = await t.call(t.adminToken, { method: 'DELETE', url: `/api/v1/git-push-allowlist/${id}` });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ status: 'removed' });
    expect((await activeAllowRules(t.services.db, repoId)).map((r) => r.id)).not.toContain(id);
    const listed = await t.call(t.adminToken, { url: '/api/v1/git-push-allowlist?status=removed' });
    expect(listed.json().items.map((e: { id: string }) => e.id)).toEqual([id]);
    expect(await eventsOf('git_push_allow_entry.removed', id)).toHaveLength(1);
  });
});
