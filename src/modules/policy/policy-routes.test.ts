import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { DEFAULT_POLICY_TEXT } from './cedar-engine.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const admin = (opts: Parameters<TestApp['call']>[1]) => t.call(t.adminToken, opts);
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const extra = '\n@id("no-admin-on-production")\n@reason("nobody external administers production")\n' +
  'forbid (principal, action == Palisade::Action::"admin", resource) when { principal.kind == "external" && resource.environment == "production" };\n';

describe('policies API', () => {
  it('shows the built-in default set as version 0 until an admin replaces it', async () => {
    const res = await admin({ url: '/api/v1/policies' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: 0, builtIn: true, active: true, text: DEFAULT_POLICY_TEXT, sha256: sha256(DEFAULT_POLICY_TEXT) });
    expect(res.json().policyIds).toContain('no-external-restricted-production');
  });

  it("validates a candidate without changing anything, with Cedar's messages", async () => {
    const good = (await admin({ method: 'POST', url: '/api/v1/policies/validate', payload: { text: DEFAULT_POLICY_TEXT + extra } })).json();
    expect(good).toMatchObject({ valid: true, errors: [] });
    expect(good.policyIds).toContain('no-admin-on-production');
    const bad = (await admin({ method: 'POST', url: '/api/v1/policies/validate', payload: { text: 'permit (principal, action, resource) when { resource.colour == "red" };' } })).json();
    expect(bad.valid).toBe(false);
    expect(bad.errors[0]).toMatchObject({ policyId: 'policy0', line: 1, message: expect.stringMatching(/attribute `colour` on entity type `Palisade::Resource` not found/) });
    expect((await admin({ url: '/api/v1/policies' })).json().version).toBe(0);
  });

  it("rejects an invalid set with Cedar's message (400) and keeps the previous set in force", async () => {
    const res = await admin({ method: 'PUT', url: '/api/v1/policies', payload: { text: `${DEFAULT_POLICY_TEXT}\nforbid (principal, action, resource) when { principal.kind == };\n` } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const body = res.json();
    expect(body.detail).toMatch(/the previous set stays in force/);
    expect(body.errors).toEqual([{ path: 'text', message: expect.stringMatching(/^line \d+: unexpected token `}`/) }]);
    const active = (await admin({ url: '/api/v1/policies' })).json();
    expect(active).toMatchObject({ version: 0, sha256: sha256(DEFAULT_POLICY_TEXT) });
    const events = await t.database.db.query("SELECT 1 FROM audit_events WHERE type = 'policy.replaced'");
    expect(events).toHaveLength(0);
  });

  it('replaces the set: a new version in force, policy.replaced with the version and the SHA-256, the history kept', async () => {
    const text = DEFAULT_POLICY_TEXT + extra;
    const res = await admin({ method: 'PUT', url: '/api/v1/policies', payload: { text, comment: 'no external admin on production' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: 1, builtIn: false, active: true, sha256: sha256(text), comment: 'no external admin on production', createdBy: { handle: 'admin' }, warnings: [] });
    const [event] = await t.database.db.query<{ target_id: string; details: Record<string, unknown> }>(
      "SELECT target_id, details FROM audit_events WHERE type = 'policy.replaced'");
    expect(event).toMatchObject({
      target_id: '1',
      details: { version: 1, sha256: sha256(text), previousVersion: 0, previousSha256: sha256(DEFAULT_POLICY_TEXT), added: ['no-admin-on-production'], removed: [] },
    });

    const history = (await admin({ url: '/api/v1/policies/versions?limit=1' })).json();
    expect(history.items.map((v: { version: number }) => v.version)).toEqual([1]);
    const rest = (await admin({ url: `/api/v1/policies/versions?cursor=${history.nextCursor}` })).json();
    expect(rest).toMatchObject({ items: [{ version: 0, builtIn: true }], nextCursor: null });
    const old = (await admin({ url: '/api/v1/policies/versions/0' })).json();
    expect(old).toMatchObject({ active: false, text: DEFAULT_POLICY_TEXT });
    expect((await admin({ url: '/api/v1/policies/versions/7' })).statusCode).toBe(404);
  });

  it('serves the Cedar schema and lets auditors read but only admins replace', async () => {
    const auditor = await t.personWithRole('auditor');
    expect((await t.call(auditor.token, { url: '/api/v1/policies/schema' })).json().text).toMatch(/namespace Palisade/);
    expect((await t.call(auditor.token, { url: '/api/v1/policies' })).statusCode).toBe(200);
    const approver = await t.personWithRole('approver');
    expect((await t.call(approver.token, { method: 'PUT', url: '/api/v1/policies', payload: { text: DEFAULT_POLICY_TEXT } })).statusCode).toBe(403);
    const dev = await t.personWithRole('developer');
    expect((await t.call(dev.token, { url: '/api/v1/policies' })).statusCode).toBe(403);
  });
});
