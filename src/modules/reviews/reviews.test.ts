import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { newId } from '../../core/ids.ts';
import { accessHelpers } from '../access/access.test-support.ts';
import { systemActor, type Actor } from '../auth/actor.ts';
import { startReviewSweeper } from './review-sweeper.ts';

let t: TestApp;
let h: ReturnType<typeof accessHelpers>;
beforeAll(async () => {
  t = await createTestApp();
  h = accessHelpers(t);
});
afterAll(() => t.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A grant that started `startedDaysAgo` days ago and runs for another 10 days, written as an import would. */
async function grantFor(dev: { id: string; engagementId: string }, resourceId: string, startedDaysAgo: number): Promise<string> {
  const id = newId();
  const now = t.clock.now().getTime();
  await t.database.db.query(
    'INSERT INTO grants (id, person_id, engagement_id, resource_id, permission, starts_at, ends_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6)',
    [id, dev.id, dev.engagementId, resourceId, 'read', new Date(now - startedDaysAgo * DAY), new Date(now + 10 * DAY)],
  );
  return id;
}

/** A clone through the git gateway, as it will be recorded: actor the developer, target the resource. */
async function recordUse(dev: { id: string; handle: string }, resourceId: string) {
  const actor: Actor = { kind: 'person', personId: dev.id, handle: dev.handle, role: 'developer', tokenId: '', scopes: [], ip: '198.51.100.7', userAgent: 'git/2.43', requestId: null };
  await t.database.db.transaction((tx) => t.services.audit.record(tx, actor, { type: 'git.fetch', outcome: 'success', target: { type: 'resource', id: resourceId } }));
}

const create = (body: Record<string, unknown>) => t.call(t.adminToken, { method: 'POST', url: '/api/v1/reviews', payload: body });
const decide = (token: string, campaignId: string, itemId: string, decision: string, comment: string) =>
  t.call(token, { method: 'POST', url: `/api/v1/reviews/${campaignId}/items/${itemId}/decision`, payload: { decision, comment } });

describe('access reviews', () => {
  it('assign each grant to the resource owner, flag the dormant one, keep one, and revoke the undecided one at the deadline', async () => {
    const owner = await t.personWithRole('approver');
    const repo = await h.resource('staging', { owner: owner.id });
    const active = await h.readyDeveloper('backend');
    const idle = await h.readyDeveloper('backend');
    const activeGrant = await grantFor(active, repo.id, 40);
    const idleGrant = await grantFor(idle, repo.id, 40);
    await recordUse(active, repo.id);

    const res = await create({ name: 'Q1 staging review', scope: { type: 'resource', resource: repo.name }, deadline: new Date(t.clock.now().getTime() + 7 * DAY).toISOString(), dormantDays: 30 });
    expect(res.statusCode).toBe(201);
    const campaign = res.json();
    expect(campaign).toMatchObject({ status: 'open', onUndecided: 'revoke', counts: { items: 2, undecided: 2, dormant: 1 } });
    const byGrant = Object.fromEntries(campaign.items.map((i: { grantId: string }) => [i.grantId, i]));
    expect(byGrant[activeGrant]).toMatchObject({ reviewer: { id: owner.id }, dormant: false, lastUsedAt: t.clock.now().toISOString() });
    expect(byGrant[idleGrant]).toMatchObject({ reviewer: { id: owner.id }, dormant: true, lastUsedAt: null });

    // The owner sees the campaign; another approver does not; a developer may not review.
    expect((await t.call(owner.token, { url: `/api/v1/reviews/${campaign.id}` })).json().items).toHaveLength(2);
    const stranger = await t.personWithRole('approver');
    expect((await t.call(stranger.token, { url: `/api/v1/reviews/${campaign.id}` })).statusCode).toBe(404);
    expect((await decide(stranger.token, campaign.id, byGrant[activeGrant].id, 'keep', 'looks fine')).statusCode).toBe(404);
    expect((await decide(active.token, campaign.id, byGrant[activeGrant].id, 'keep', 'mine')).statusCode).toBe(403);

    const kept = await decide(owner.token, campaign.id, byGrant[activeGrant].id, 'keep', 'still on the checkout work');
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({ decision: 'keep', outcome: 'kept', decidedBy: { id: owner.id }, grantState: 'active', grantRevoked: false });
    expect((await decide(owner.token, campaign.id, byGrant[activeGrant].id, 'revoke', 'changed my mind')).statusCode).toBe(409);

    const sweeper = startReviewSweeper(t.services, { autoStart: false });
    expect(await sweeper.runOnce()).toBe(0);
    t.clock.advance(7 * DAY);
    try {
      expect(await sweeper.runOnce()).toBe(1);
      const after = (await t.call(t.adminToken, { url: `/api/v1/reviews/${campaign.id}` })).json();
      expect(after).toMatchObject({ status: 'closed', counts: { kept: 1, revokedAtDeadline: 1, undecided: 0 } });
      const idleItem = after.items.find((i: { grantId: string }) => i.grantId === idleGrant);
      expect(idleItem).toMatchObject({ decision: null, outcome: 'revoked_at_deadline', grantState: 'revoked', grantRevoked: true });

      const [revoked] = await h.events('grant.revoked', idleGrant);
      expect(revoked).toMatchObject({ actor_handle: 'system', details: { reason: 'access review "Q1 staging review": not decided by the deadline', review: { campaignId: campaign.id, itemId: idleItem.id } } });
      expect(await h.events('grant.revoked', activeGrant)).toHaveLength(0);
      const [closed] = await h.events('review.closed', campaign.id);
      expect(closed!.details).toMatchObject({ reason: 'deadline: undecided grants revoked', revokedGrantIds: [idleGrant] });
      expect((await h.events('review.created', campaign.id))).toHaveLength(1);
      expect((await h.events('review.decision_recorded', campaign.id))[0]!.details).toMatchObject({ decision: 'keep', grantId: activeGrant });

      // The authorizer agrees at once.
      expect((await t.services.authorizer.authorize(systemActor, { principal: idle.handle, action: 'read', resource: repo.name })).decision).toBe('deny');
      expect((await t.services.authorizer.authorize(systemActor, { principal: active.handle, action: 'read', resource: repo.name })).decision).toBe('allow');

      // Who reviewed what, when, the decisions, what was revoked.
      const json = (await t.call(t.adminToken, { url: `/api/v1/reviews/${campaign.id}/report` })).json();
      expect(json).toMatchObject({ revokedGrantIds: [idleGrant], reviewers: [{ id: owner.id, assigned: 2, decided: 1 }] });
      const csv = await t.call(t.adminToken, { url: `/api/v1/reviews/${campaign.id}/report?format=csv` });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      const lines = csv.body.split('\r\n');
      expect(lines[0]).toBe('campaign_id,campaign_name,item_id,grant_id,developer,resource,permission,engagement_id,grant_starts_at,grant_ends_at,grant_state,reviewer,last_used_at,dormant,decision,comment,decided_by,decided_at,escalated_at,outcome,grant_revoked');
      expect(lines).toHaveLength(4);
      const rows = lines.slice(1, 3).map((l) => l.split(','));
      const idleRow = rows.find((r) => r[3] === idleGrant)!;
      expect([idleRow[4], idleRow[10], idleRow[11], idleRow[13], idleRow[14], idleRow[19], idleRow[20]]).toEqual([idle.handle, 'revoked', owner.handle, 'true', '', 'revoked_at_deadline', 'true']);
      const keptRow = rows.find((r) => r[3] === activeGrant)!;
      expect([keptRow[14], keptRow[15], keptRow[16], keptRow[19]]).toEqual(['keep', 'still on the checkout work', owner.handle, 'kept']);
      expect(await sweeper.runOnce()).toBe(0);
    } finally {
      t.clock.advance(-7 * DAY);
    }
  });

  it('revoke a grant at once when its reviewer says so, and close the campaign when every grant is decided', async () => {
    const owner = await t.personWithRole('approver');
    const repo = await h.resource('staging', { owner: owner.id });
    const dev = await h.readyDeveloper('backend');
    const grant = await grantFor(dev, repo.id, 1);
    const campaign = (await create({ name: 'Spot check', scope: { type: 'engagement', engagementId: dev.engagementId }, deadline: new Date(t.clock.now().getTime() + DAY).toISOString() })).json();
    expect(campaign.items).toHaveLength(1);
    expect(campaign.items[0].dormant).toBe(false);
    expect((await t.services.authorizer.authorize(systemActor, { principal: dev.handle, action: 'read', resource: repo.name })).decision).toBe('allow');
    const res = await decide(owner.token, campaign.id, campaign.items[0].id, 'revoke', '=HYPERLINK("http://evil.example","no longer needed")');
    expect(res.json()).toMatchObject({ outcome: 'revoked', grantState: 'revoked', grantRevoked: true });
    expect((await t.services.authorizer.authorize(systemActor, { principal: dev.handle, action: 'read', resource: repo.name })).decision).toBe('deny');
    const [event] = await h.events('grant.revoked', grant);
    expect(event!.actor_handle).toBe(owner.handle);
    expect((await t.call(t.adminToken, { url: `/api/v1/reviews/${campaign.id}` })).json().status).toBe('closed');
    const csv = (await t.call(t.adminToken, { url: `/api/v1/reviews/${campaign.id}/report?format=csv` })).body;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""no longer needed"")"`);
  });

  it('escalate undecided grants to admins at the deadline instead, when the campaign says so', async () => {
    const owner = await t.personWithRole('approver');
    const repo = await h.resource('staging', { owner: owner.id });
    const dev = await h.readyDeveloper('backend');
    const grant = await grantFor(dev, repo.id, 1);
    const campaign = (await create({ name: 'Escalating', scope: { type: 'resource', resource: repo.id }, deadline: new Date(t.clock.now().getTime() + HOUR).toISOString(), onUndecided: 'escalate' })).json();
    t.clock.advance(2 * HOUR);
    try {
      expect(await t.services.reviews.processDeadlines()).toBe(1);
      const after = (await t.call(t.adminToken, { url: `/api/v1/reviews/${campaign.id}` })).json();
      expect(after).toMatchObject({ status: 'escalated', counts: { escalated: 1 } });
      expect(after.items[0]).toMatchObject({ outcome: 'escalated', grantState: 'active', escalatedAt: t.clock.now().toISOString() });
      expect(await h.events('review.escalated', campaign.id)).toHaveLength(1);
      expect((await decide(owner.token, campaign.id, after.items[0].id, 'keep', 'still needed')).statusCode).toBe(403);
      const res = await decide(t.adminToken, campaign.id, after.items[0].id, 'revoke', 'nobody vouched for it');
      expect(res.json()).toMatchObject({ outcome: 'revoked', grantRevoked: true });
      expect((await h.events('grant.revoked', grant))).toHaveLength(1);
      expect((await t.call(t.adminToken, { url: `/api/v1/reviews/${campaign.id}` })).json().status).toBe('closed');
    } finally {
      t.clock.advance(-2 * HOUR);
    }
  });

  it('refuse a deadline in the past and a scope without grants, and let auditors read but not create', async () => {
    const repo = await h.resource('staging');
    const past = await create({ name: 'Late', scope: { type: 'external' }, deadline: '2020-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors[0].path).toBe('deadline');
    const empty = await create({ name: 'Empty', scope: { type: 'resource', resource: repo.name }, deadline: '2026-12-01T00:00:00Z' });
    expect(empty.statusCode).toBe(409);
    const auditor = await t.personWithRole('auditor');
    expect((await t.call(auditor.token, { url: '/api/v1/reviews' })).statusCode).toBe(200);
    expect((await t.call(auditor.token, { method: 'POST', url: '/api/v1/reviews', payload: { name: 'x', scope: { type: 'external' }, deadline: '2026-12-01T00:00:00Z' } })).statusCode).toBe(403);
  });
});
