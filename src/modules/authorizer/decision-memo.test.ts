import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { newId } from '../../core/ids.ts';
import { accessHelpers } from '../access/access.test-support.ts';
import { systemActor } from '../auth/actor.ts';
import { DEFAULT_POLICY_TEXT } from '../policy/cedar-engine.ts';
import { seededRandom } from '../scanner/testing/random.ts';
import { decisionJson, type AuthorizeInput } from './authorizer-types.ts';
import { questionKey } from './decision-memo.ts';

let t: TestApp;
let h: ReturnType<typeof accessHelpers>;
beforeAll(async () => {
  t = await createTestApp();
  h = accessHelpers(t);
});
afterAll(() => t.close());

const HOUR = 3_600_000;
const seconds = (ms: number) => Math.floor(ms / 1000);

describe('remembered decisions', () => {
  it('answer every question exactly as a fresh decision would, at every moment around every instant the time matters', async () => {
    const t0 = t.clock.now().getTime(); // 2026-03-02T10:00Z
    const dev = await t.personWithRole('developer');
    // The engagement ends on 2026-03-03: from midnight UTC on, the developer is not ready.
    const engagementId = await h.engagement({ endDate: '2026-03-03' });
    await h.addDeveloper(engagementId, dev.id);
    await h.vet(dev.id);
    // A second training that expires mid-afternoon: a readiness change that is not at midnight.
    h.ok(await h.admin({ method: 'POST', url: `/api/v1/people/${dev.id}/training`, payload: { module: 'secure-coding', completedAt: '2026-02-23', expiresAt: new Date(t0 + 16.5 * HOUR).toISOString() } }), 201);
    h.ok(await h.admin({ method: 'PATCH', url: '/api/v1/settings/access', payload: { readiness: { requiredTraining: ['security-awareness', 'secure-coding'] } } }));
    const repo = await h.resource('staging');
    // Grants that start and end at different moments, written straight into the table.
    const grants: [string, number, number][] = [['read', 0, 3], ['write', 2, 5], ['admin', 0, 10]];
    for (const [permission, from, to] of grants) {
      await t.database.db.query(
        'INSERT INTO grants (id, person_id, engagement_id, resource_id, permission, starts_at, ends_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6)',
        [newId(), dev.id, engagementId, repo.id, permission, new Date(t0 + from * HOUR), new Date(t0 + to * HOUR)],
      );
    }
    // A change freeze on writes (time compared with literals: remembered per interval) and a rule that
    // compares the time with an attribute (remembered for its second only), both inside the walk.
    const freeze = [seconds(t0 + 4 * HOUR), seconds(t0 + 4.5 * HOUR)];
    const engagementStart = seconds(Date.parse('2026-03-01T00:00:00Z'));
    const late = seconds(t0 + 6 * HOUR) - engagementStart;
    const text = `${DEFAULT_POLICY_TEXT}
@id("freeze")
@reason("change freeze")
forbid (principal, action == Palisade::Action::"write", resource) when { context.now >= ${freeze[0]} && context.now < ${freeze[1]} };

@id("admin-early-only")
@reason("admin only early in the engagement")
forbid (principal, action == Palisade::Action::"admin", resource) when { context.now >= context.engagement.startsAt + ${late} };
`;
    h.ok(await h.admin({ method: 'PUT', url: '/api/v1/policies', payload: { text, comment: 'time-dependent rules for the memo test' } }));

    // Every instant at which some answer changes, and moments just around each.
    const changes = [0, 2, 3, 4, 4.5, 5, 6, 10, 14, 16.5, 38].map((hours) => t0 + hours * HOUR);
    // Seeded, so a failure can be replayed.
    const random = seededRandom(7);
    const moments = [
      ...changes.flatMap((c) => [c - 1000, c - 1, c, c + 1, c + 999]),
      ...Array.from({ length: 40 }, () => t0 - HOUR + random.int(41 * HOUR)),
    ].sort((a, b) => a - b);
    const shuffled = [...moments].sort(() => random.next() - 0.5);
    const questions: AuthorizeInput[] = [
      ...(['read', 'write', 'admin'] as const).map((action) => ({ principal: dev.handle, action, resource: repo.name, context: { gateway: 'git' } })),
      { principal: dev.id, action: 'read', resource: repo.id, context: { sourceIp: '203.0.113.7', gateway: 'ssh' } },
    ];

    const seen = new Set<string>();
    for (const at of [...moments, ...[...moments].reverse(), ...shuffled]) {
      t.clock.set(new Date(at));
      for (const q of questions) {
        const remembered = await t.services.authorizer.authorize(systemActor, q);
        // A what-if question at the same moment is never remembered: a fresh decision.
        const fresh = await t.services.authorizer.authorize(systemActor, { ...q, context: { ...q.context, time: new Date(at) } });
        // Compared as the API writes them: every field, and the remembered JSON head with them.
        expect(`${new Date(at).toISOString()} ${decisionJson(remembered)}`).toBe(`${new Date(at).toISOString()} ${decisionJson(fresh)}`);
        seen.add(`${q.action} ${remembered.decision} ${remembered.missing.length}`);
      }
    }
    // The walk met allows and denies of each kind, so the comparison above says something.
    expect([...seen].sort()).toEqual([
      'admin allow 0', 'admin deny 0', 'admin deny 1', 'admin deny 2', 'admin deny 3',
      'read allow 0', 'read deny 1', 'read deny 2', 'read deny 3',
      'write allow 0', 'write deny 0', 'write deny 1', 'write deny 2', 'write deny 3',
    ]);
    await t.services.authorizer.flushDenials();
    h.ok(await h.admin({ method: 'PATCH', url: '/api/v1/settings/access', payload: { readiness: { requiredTraining: ['security-awareness'] } } }));
    h.ok(await h.admin({ method: 'PUT', url: '/api/v1/policies', payload: { text: DEFAULT_POLICY_TEXT, comment: 'back to the default set' } }));
  });

  it('hand out one shared, frozen decision while it holds, stamped with the moment asked', async () => {
    t.clock.set(new Date('2026-04-01T10:00:00Z'));
    const dev = await h.readyDeveloper();
    const repo = await h.resource('staging');
    const q: AuthorizeInput = { principal: dev.handle, action: 'read', resource: repo.name };
    const first = await t.services.authorizer.authorize(systemActor, q);
    t.clock.advance(1500);
    const again = await t.services.authorizer.authorize(systemActor, q);
    expect(again.reasons).toBe(first.reasons);
    expect(Object.isFrozen(again.reasons)).toBe(true);
    expect(again.evaluatedAt).toEqual(t.clock.now());
    expect(first.evaluatedAt).not.toEqual(again.evaluatedAt);
    // Another gateway is another question.
    const ssh = await t.services.authorizer.authorize(systemActor, { ...q, context: { gateway: 'ssh' } });
    expect(ssh.reasons).not.toBe(first.reasons);
    expect(ssh.reasons).toEqual(first.reasons);
    await t.services.authorizer.flushDenials();
  });
});

describe('questionKey', () => {
  it('tells apart questions whose parts would run together', () => {
    const a = questionKey({ principal: 'a|b', action: 'read', resource: 'c' });
    const b = questionKey({ principal: 'a', action: 'read', resource: 'b|c' });
    expect(a).not.toBe(b);
    expect(questionKey({ principal: 'a', action: 'read', resource: 'c', context: { sourceIp: '10.0.0.1' } }))
      .not.toBe(questionKey({ principal: 'a', action: 'read', resource: 'c' }));
  });

  it('has no key for a what-if question', () => {
    expect(questionKey({ principal: 'a', action: 'read', resource: 'c', context: { time: new Date() } })).toBeNull();
  });
});
