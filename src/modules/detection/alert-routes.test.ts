import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import type { Actor } from '../auth/actor.ts';
import { createDetectionEngine } from './detection-engine.ts';
import { builtinRules } from './builtin-rules.ts';

let t: TestApp;
let alertId: string;
let auditor: { token: string };
let developer: { token: string };

beforeAll(async () => {
  t = await createTestApp(new Date('2026-03-02T10:00:00Z'));
  auditor = await t.personWithRole('auditor');
  const dev = await t.personWithRole('developer', 'night-owl');
  developer = dev;
  // A git clone at 23:00 UTC, outside 09:00-17:00, raised by the engine with the built-in rules.
  t.clock.set(new Date('2026-03-02T23:00:00Z'));
  const actor: Actor = { kind: 'person', personId: dev.id, handle: dev.handle, role: 'developer', tokenId: '', scopes: [], ip: '198.51.100.9', userAgent: null, requestId: null };
  await t.services.db.transaction((tx) => t.services.audit.record(tx, actor, { type: 'git.clone', outcome: 'success' }));
  await t.services.auditSequencer.runOnce();
  const engine = createDetectionEngine({ db: t.services.db, clock: t.clock, audit: t.services.audit, rules: builtinRules() });
  alertId = (await engine.runOnce()).raised[0]!;
});
afterAll(() => t.close());

const post = (token: string, url: string, payload: unknown) => t.call(token, { method: 'POST', url, payload: payload as object });

describe('the alerts API', () => {
  it('lists alerts with filters and shows one with its events and their log positions', async () => {
    const list = await t.call(auditor.token, { method: 'GET', url: '/api/v1/alerts?status=open&severity=high' });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([expect.objectContaining({ id: alertId, ruleId: 'palisade-off-hours-access', severity: 'high', subject: 'night-owl' })]);
    expect((await t.call(auditor.token, { method: 'GET', url: '/api/v1/alerts?severity=critical' })).json().items).toEqual([]);
    const one = await t.call(auditor.token, { method: 'GET', url: `/api/v1/alerts/${alertId}` });
    expect(one.json().events).toEqual([expect.objectContaining({ type: 'git.clone', leafIndex: expect.any(Number) })]);
  });

  it('refuses developers and lets only admins change alerts', async () => {
    expect((await t.call(developer.token, { method: 'GET', url: '/api/v1/alerts' })).statusCode).toBe(403);
    expect((await post(auditor.token, `/api/v1/alerts/${alertId}/acknowledge`, {})).statusCode).toBe(403);
  });

  it('acknowledges, assigns and resolves, each change an audit event', async () => {
    const ack = await post(t.adminToken, `/api/v1/alerts/${alertId}/acknowledge`, { comment: 'looking' });
    expect(ack.json()).toMatchObject({ status: 'acknowledged' });
    const admin = (await t.call(t.adminToken, { method: 'GET', url: '/api/v1/me' })).json() as { handle: string };
    const assigned = await post(t.adminToken, `/api/v1/alerts/${alertId}/assign`, { assignee: admin.handle });
    expect(assigned.json().assignee).toMatchObject({ handle: admin.handle });
    expect((await post(t.adminToken, `/api/v1/alerts/${alertId}/assign`, { assignee: 'night-owl' })).statusCode).toBe(400);
    const resolved = await post(t.adminToken, `/api/v1/alerts/${alertId}/resolve`, { resolution: 'agreed overtime, confirmed with the vendor' });
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolution: 'agreed overtime, confirmed with the vendor' });
    expect((await post(t.adminToken, `/api/v1/alerts/${alertId}/resolve`, { resolution: 'again' })).statusCode).toBe(409);
    const events = await t.services.db.query<{ type: string }>("SELECT type FROM audit_events WHERE target_type = 'alert' AND target_id = $1 ORDER BY seq", [alertId]);
    expect(events.map((e) => e.type)).toEqual(['alert.raised', 'alert.acknowledged', 'alert.assigned', 'alert.resolved']);
  });

  it('pages alerts with a cursor', async () => {
    const page = await t.call(auditor.token, { method: 'GET', url: '/api/v1/alerts?limit=1' });
    expect(page.json()).toMatchObject({ items: [expect.objectContaining({ id: alertId })], nextCursor: null });
    expect((await t.call(auditor.token, { method: 'GET', url: '/api/v1/alerts?cursor=garbage' })).statusCode).toBe(400);
  });
});

describe('the notification channels API', () => {
  it('creates a webhook channel with a generated secret shown once, and never shows it again', async () => {
    const res = await post(t.adminToken, '/api/v1/alerts/channels', { kind: 'webhook', name: 'soc', url: 'https://soc.example/hooks/palisade?token=s3cr3t-query', minSeverity: 'high' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'webhook', destination: 'https://soc.example/hooks/palisade?…', minSeverity: 'high', secret: expect.any(String) });
    const got = await t.call(auditor.token, { method: 'GET', url: '/api/v1/alerts/channels/soc' });
    expect(got.json()).not.toHaveProperty('secret');
    expect(JSON.stringify(got.json())).not.toContain('s3cr3t-query');
  });

  it('keeps a Slack URL sealed and refuses plain-text SMTP to a remote server', async () => {
    const slack = await post(t.adminToken, '/api/v1/alerts/channels', { kind: 'slack', name: 'slack', url: 'https://hooks.slack.example/services/T000/B000/XXXX' });
    expect(slack.json().destination).toBe('https://hooks.slack.example/…');
    const smtp = await post(t.adminToken, '/api/v1/alerts/channels', { kind: 'email', name: 'mail', host: 'mail.example.com', tls: 'none', from: 'p@example.com', to: ['soc@example.com'] });
    expect(smtp.statusCode).toBe(400);
    const http = await post(t.adminToken, '/api/v1/alerts/channels', { kind: 'webhook', name: 'plain', url: 'http://soc.example/x' });
    expect(http.statusCode).toBe(400);
  });

  it('removes a channel (a status change, audited)', async () => {
    const res = await t.call(t.adminToken, { method: 'DELETE', url: '/api/v1/alerts/channels/slack' });
    expect(res.json()).toMatchObject({ status: 'removed' });
    const [e] = await t.services.db.query<{ type: string }>("SELECT type FROM audit_events WHERE type = 'notification_channel.removed'");
    expect(e).toBeDefined();
  });
});
