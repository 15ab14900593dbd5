import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatedPolicies } from '../../../bench/authorizer/seed.ts';
import { openWindow, within } from '../../core/time-window.ts';
import { checkPolicyText, compilePolicySet, DEFAULT_POLICY_TEXT, evaluate, SCHEMA_TEXT, type CompiledPolicySet } from './cedar-engine.ts';
import { cedarQuestion, type ContextFacts, type PrincipalFacts, type ResourceFacts } from './policy-entities.ts';

const compiled = (text: string): CompiledPolicySet => {
  const c = compilePolicySet(text);
  if ('errors' in c) throw new Error(JSON.stringify(c.errors));
  return c;
};

const alice: PrincipalFacts = { handle: 'alice', kind: 'external', role: 'developer', status: 'active', vendorId: null, duty: 'backend' };
const repo: ResourceFacts = { name: 'shop/web', kind: 'git_repository', environment: 'staging', sensitivity: 'internal', status: 'active', ownerHandle: 'olivia', labels: {} };
const ctx: ContextFacts = {
  now: new Date('2026-03-02T10:00:00Z'), sourceIp: '203.0.113.7', gateway: 'git',
  engagement: { id: 'e1', name: 'Shop rebuild', status: 'active', startDate: '2026-03-01', endDate: '2026-12-31' },
  readiness: { ready: true, unmet: [] }, grantPermission: 'read', permission: 'read', durationSeconds: 0,
};

describe('the Cedar schema and the default policy set', () => {
  it('parse, and the default set validates in strict mode without warnings', () => {
    expect(cedar.checkParseSchema(SCHEMA_TEXT).type).toBe('success');
    const set = compiled(DEFAULT_POLICY_TEXT);
    expect(set.warnings).toEqual([]);
    expect(set.policyIds).toEqual(expect.arrayContaining([
      'grant-allows', 'no-external-restricted-production', 'frontend-no-backend-databases', 'within-engagement', 'readiness-required',
      'developers-may-request', 'production-needs-two-approvals', 'auto-approve-short-development-read',
    ]));
    expect(set.approvals.get('production-needs-two-approvals')).toBe(2);
  });

  it('build questions that Cedar accepts against the schema (entities, tags, ipaddr, context)', () => {
    const set = compiled(DEFAULT_POLICY_TEXT);
    for (const action of ['read', 'write', 'admin', 'RequestAccess', 'AutoApprove'] as const) {
      const q = cedarQuestion(action, alice, { ...repo, labels: { tier: 'backend', team: 'web' } }, { ...ctx, engagement: null, sourceIp: null });
      const answer = cedar.statefulIsAuthorized({ ...q, preparsedPolicySetId: set.handle, preparsedSchemaName: 'palisade', validateRequest: true });
      expect(answer.type, JSON.stringify(answer)).toBe('success');
      const full = cedar.statefulIsAuthorized({ ...cedarQuestion(action, alice, repo, ctx), preparsedPolicySetId: set.handle, preparsedSchemaName: 'palisade', validateRequest: true });
      expect(full.type, JSON.stringify(full)).toBe('success');
    }
  });
});

describe('decisions of the default set', () => {
  const set = compiled(DEFAULT_POLICY_TEXT);
  const ask = (p: Partial<PrincipalFacts>, r: Partial<ResourceFacts>, c: Partial<ContextFacts>, action: 'read' | 'RequestAccess' | 'AutoApprove' = 'read') =>
    evaluate(set, cedarQuestion(action, { ...alice, ...p }, { ...repo, ...r }, { ...ctx, ...c }));

  it('allow read with an effective grant, naming the permit', () => {
    expect(ask({}, {}, {})).toEqual({ decision: 'allow', determining: ['grant-allows'], errors: [] });
  });

  it('deny without a grant, with no policy to blame (deny by default)', () => {
    expect(ask({}, {}, { grantPermission: null })).toEqual({ decision: 'deny', determining: [], errors: [] });
  });

  it('deny external developers restricted production data even with a grant', () => {
    expect(ask({}, { environment: 'production', sensitivity: 'restricted' }, {}).determining).toEqual(['no-external-restricted-production']);
    expect(ask({}, { environment: 'production', sensitivity: 'confidential' }, {}).decision).toBe('allow');
  });

  it('deny frontend developers databases unless labelled tier=frontend', () => {
    const db = { kind: 'database', labels: {} };
    expect(ask({ duty: 'frontend' }, db, {}).determining).toEqual(['frontend-no-backend-databases']);
    expect(ask({ duty: 'frontend' }, { kind: 'database', labels: { tier: 'frontend' } }, {}).decision).toBe('allow');
    expect(ask({ duty: 'backend' }, db, {}).decision).toBe('allow');
  });

  it('deny outside the engagement (not active, or the readiness gate says the dates are out) and while not ready', () => {
    const outOfDates = { ready: false, unmet: ['engagement_dates'] };
    expect(ask({}, {}, { readiness: outOfDates }).determining.sort()).toEqual(['readiness-required', 'within-engagement']);
    expect(ask({}, {}, { engagement: { ...ctx.engagement!, status: 'suspended' } }).determining).toEqual(['within-engagement']);
    expect(ask({}, {}, { engagement: null, grantPermission: null }).decision).toBe('deny');
    expect(ask({}, {}, { readiness: { ready: false, unmet: ['nda'] } }).determining).toEqual(['readiness-required']);
    // Members have no engagement: these rules are for external developers.
    expect(ask({ kind: 'member', role: 'approver' }, {}, { engagement: null, readiness: outOfDates }).decision).toBe('allow');
  });

  it('auto-approve short development reads only', () => {
    expect(ask({}, { environment: 'development' }, { durationSeconds: 8 * 3600 }, 'AutoApprove').decision).toBe('allow');
    expect(ask({}, { environment: 'development' }, { durationSeconds: 8 * 3600 + 1 }, 'AutoApprove').decision).toBe('deny');
    expect(ask({}, { environment: 'staging' }, { durationSeconds: 3600 }, 'AutoApprove').decision).toBe('deny');
    expect(ask({}, { environment: 'development' }, { durationSeconds: 3600, permission: 'write' }, 'AutoApprove').decision).toBe('deny');
  });

  it('let a request match both request permits on production (the one with @approvals decides the count)', () => {
    expect(ask({}, { environment: 'production' }, { grantPermission: null }, 'RequestAccess').determining.sort()).toEqual(['developers-may-request', 'production-needs-two-approvals']);
  });
});

describe('checking a policy text', () => {
  it("passes Cedar's own message for a parse error, with the line", () => {
    const r = checkPolicyText('permit (principal, action, resource);\n\nforbid (principal, action, resource)\nwhen { principal.kind == };');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ line: 4, message: expect.stringMatching(/unexpected token `}`/) });
  });

  it("passes the validator's message for an unknown attribute, naming the policy and the line", () => {
    const r = checkPolicyText('@id("first")\npermit (principal, action, resource);\n@id("bad")\nforbid (principal, action, resource)\nwhen { principal.team == "x" };');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([{ policyId: 'bad', line: 5, message: expect.stringMatching(/attribute `team` on entity type `Palisade::Person` not found/), help: expect.any(String) }]);
  });

  it('refuses duplicate ids, templates, an empty set and a bad @approvals', () => {
    const dup = checkPolicyText('@id("a") permit (principal, action, resource);\n@id("a") forbid (principal, action, resource);');
    expect(!dup.ok && dup.errors[0]!.message).toMatch(/two policies have the id "a"/);
    const tpl = checkPolicyText('permit (principal == ?principal, action, resource);');
    expect(!tpl.ok && tpl.errors[0]!.message).toMatch(/templates/);
    const empty = checkPolicyText('// nothing but a comment\n');
    expect(!empty.ok && empty.errors[0]!.message).toMatch(/no policies/);
    const approvals = checkPolicyText('@approvals("many") permit (principal, action == Palisade::Action::"RequestAccess", resource);');
    expect(!approvals.ok && approvals.errors[0]!.message).toMatch(/@approvals\("many"\) must be a whole number from 1 to 10/);
  });

  it('names policies without @id by position and reports validator warnings separately', () => {
    const r = checkPolicyText('permit (principal, action == Palisade::Action::"read", resource);\nforbid (principal, action, resource) when { principal.kind == "x" && false };');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policyIds).toEqual(['policy0', 'policy1']);
    expect(r.warnings.some((w) => w.policyId === 'policy1' && /impossible/.test(w.message))).toBe(true);
  });
});

describe('an exception to the frontend rule', () => {
  it('is one more unless clause, and exempts only what it names', () => {
    const text = DEFAULT_POLICY_TEXT.replace(
      '!(resource.hasTag("tier") && resource.getTag("tier") == "frontend")\n};',
      '!(resource.hasTag("tier") && resource.getTag("tier") == "frontend")\n}\nunless { principal == Palisade::Person::"alice" && resource == Palisade::Resource::"orders/db" };',
    );
    expect(text).not.toBe(DEFAULT_POLICY_TEXT);
    const set = compiled(text);
    const db = { ...repo, name: 'orders/db', kind: 'database' };
    expect(evaluate(set, cedarQuestion('read', { ...alice, duty: 'frontend' }, db, ctx)).decision).toBe('allow');
    expect(evaluate(set, cedarQuestion('read', { ...alice, handle: 'bob', duty: 'frontend' }, db, ctx)).determining).toEqual(['frontend-no-backend-databases']);
    expect(evaluate(set, cedarQuestion('read', { ...alice, duty: 'frontend' }, { ...db, name: 'billing/db' }, ctx)).decision).toBe('deny');
  });
});

describe('trimming questions to what the policies read', () => {
  const sets = [
    compiled(DEFAULT_POLICY_TEXT),
    compiled(`${DEFAULT_POLICY_TEXT}\n${generatedPolicies(['v1', 'v2'])}`),
    compiled(`${DEFAULT_POLICY_TEXT}
@id("one-person-one-resource") permit (principal == Palisade::Person::"dev-001", action == Palisade::Action::"read", resource == Palisade::Resource::"res-0001") when { context.hasGrant };
@id("one-resource") forbid (principal, action in [Palisade::Action::"write", Palisade::Action::"admin"], resource == Palisade::Resource::"orders/db");
@id("one-person") forbid (principal in Palisade::Person::"dev-123", action, resource) when { context.gateway == "sftp" };
@id("requests-only") forbid (principal, action == Palisade::Action::"RequestAccess", resource) when { resource.name == "res-0500" };`),
    compiled('@id("whole") permit (principal, action, resource) when { context.readiness.ready && context.engagement == { "id": "e1", "name": "Shop rebuild", "status": "active", "startsAt": 1772323200, "endsAt": 1798761600 } && resource.owner == Palisade::Person::"olivia" };'),
  ];

  it('knows which attributes, tags and context uses each set has', () => {
    expect([...sets[0]!.reads.attributes].sort()).toEqual(expect.arrayContaining(['kind', 'duty', 'environment', 'sensitivity', 'engagement', 'status', 'readiness', 'ready', 'unmet']));
    expect(sets[0]!.reads.attributes.has('sourceIp')).toBe(false);
    expect(sets[0]!.reads.attributes.has('now')).toBe(false);
    expect(sets[0]!.reads.tags).toBe(true);
    expect(sets[1]!.reads.attributes.has('sourceIp')).toBe(true);
    expect(sets[3]!.reads).toMatchObject({ tags: false, wholeContext: false });
  });

  it('hands Cedar only the policies whose scope can match, sharing one slice per action when no specific policy applies', () => {
    const set = sets[2]!;
    const ask = (action: 'read' | 'write', p: string, r: string) => evaluate(set, cedarQuestion(action, { ...alice, handle: p }, { ...repo, name: r }, ctx));
    ask('read', 'alice', 'shop/web');
    ask('read', 'bob', 'shop/web');
    expect(set.slices.size).toBe(1);
    expect(ask('read', 'dev-001', 'res-0001').determining.sort()).toEqual(['grant-allows', 'one-person-one-resource']);
    expect(ask('write', 'alice', 'orders/db').determining).toEqual(['one-resource']);
    expect(set.slices.size).toBe(3);
  });

  it('remembers answers per trimmed question; time is part of the question only when a policy reads context.now', () => {
    const plain = compiled(DEFAULT_POLICY_TEXT);
    const at = (iso: string) => cedarQuestion('read', alice, repo, { ...ctx, now: new Date(iso) });
    evaluate(plain, at('2026-03-02T10:00:00Z'));
    evaluate(plain, at('2026-07-01T08:30:00Z'));
    expect([...plain.slices.values()].map((sl) => sl.answers.size)).toEqual([1]);

    const freeze = compiled(`${DEFAULT_POLICY_TEXT}\n@id("freeze") forbid (principal, action, resource) when { context.now >= 1790000000 && context.now < 1790003600 };`);
    expect(evaluate(freeze, cedarQuestion('read', alice, repo, { ...ctx, now: new Date(1_789_999_999_000) })).decision).toBe('allow');
    expect(evaluate(freeze, cedarQuestion('read', alice, repo, { ...ctx, now: new Date(1_790_000_000_000) })).determining).toEqual(['freeze']);
    expect(evaluate(freeze, cedarQuestion('read', alice, repo, { ...ctx, now: new Date(1_790_000_000_500) })).determining).toEqual(['freeze']);
    expect([...freeze.slices.values()][0]!.answers.size).toBe(2);
    // A remembered answer is a copy: changing it changes nothing for the next question.
    const first = evaluate(freeze, cedarQuestion('read', alice, repo, { ...ctx, now: new Date(1_790_000_000_000) }));
    first.determining.push('tampered');
    expect(evaluate(freeze, cedarQuestion('read', alice, repo, { ...ctx, now: new Date(1_790_000_000_000) })).determining).toEqual(['freeze']);
  });

  it('keys a time-reading answer by the interval between the literals context.now is compared with, and by the second otherwise', () => {
    const freeze = compiled(`${DEFAULT_POLICY_TEXT}\n@id("freeze") forbid (principal, action, resource) when { context.now >= 1790000000 && context.now < 1790003600 };`);
    expect([...freeze.reads.nowCuts].sort()).toEqual([1790000000, 1790003600]);
    expect(freeze.reads.nowExact).toBe(false);
    const ask = (set: CompiledPolicySet, seconds: number) => evaluate(set, cedarQuestion('read', alice, repo, { ...ctx, now: new Date(seconds * 1000) }));
    // Seven moments in five intervals (before, at the first literal, between, at the second, after): five answers remembered.
    for (const [t, decision] of [[1_789_000_000, 'allow'], [1_789_999_999, 'allow'], [1_790_000_000, 'deny'], [1_790_000_001, 'deny'], [1_790_003_599, 'deny'], [1_790_003_600, 'allow'], [1_795_000_000, 'allow']] as const) {
      expect(ask(freeze, t).decision, String(t)).toBe(decision);
    }
    expect([...freeze.slices.values()][0]!.answers.size).toBe(5);

    const relative = compiled(`${DEFAULT_POLICY_TEXT}\n@id("before-end") forbid (principal, action, resource) when { context.now + 3600 > context.engagement.endsAt };`);
    expect(relative.reads.nowExact).toBe(true);
    for (const t of [1_789_000_000, 1_789_000_001, 1_789_000_002]) ask(relative, t);
    expect([...relative.slices.values()][0]!.answers.size).toBe(3);
  });

  it('gives the same decisions remembered by interval as evaluated whole, around every literal the time is compared with', () => {
    const text = `${DEFAULT_POLICY_TEXT}
@id("window") forbid (principal, action == Palisade::Action::"write", resource) when { context.now >= 1790000000 && context.now < 1790003600 };
@id("not-at") forbid (principal, action, resource) when { !(1790007200 != context.now) && resource.environment == "production" };
@id("after") permit (principal, action == Palisade::Action::"admin", resource) when { 1790010000 < context.now };`;
    const set = compiled(text);
    const near = fc.constantFrom(1_790_000_000, 1_790_003_600, 1_790_007_200, 1_790_010_000).chain((c) => fc.integer({ min: c - 2, max: c + 2 }));
    fc.assert(fc.property(near, fc.constantFrom('read', 'write', 'admin') as fc.Arbitrary<'read'>, fc.constantFrom('production', 'staging'), (t, a, env) => {
      const q = cedarQuestion(a, alice, { ...repo, environment: env }, { ...ctx, now: new Date(t * 1000) });
      const whole = evaluate(set, q, { validate: true });
      const remembered = evaluate(set, q);
      expect({ decision: remembered.decision, determining: [...remembered.determining].sort() }).toEqual({ decision: whole.decision, determining: [...whole.determining].sort() });
    }), { numRuns: Number(process.env.PALISADE_FUZZ_RUNS ?? 300) });
  });

  it('narrows a time window to moments with the same answer: between literals, to the second, or not at all', () => {
    const text = `${DEFAULT_POLICY_TEXT}
@id("window") forbid (principal, action == Palisade::Action::"write", resource) when { context.now >= 1790000000 && context.now < 1790003600 };
@id("exact") forbid (principal, action == Palisade::Action::"admin", resource) when { context.now >= context.engagement.startsAt + 58400 };`;
    const set = compiled(text);
    const moment = fc.constantFrom(1_790_000_000, 1_790_003_600, 1_790_007_200).chain((c) => fc.integer({ min: (c - 3) * 1000, max: (c + 3) * 1000 }));
    const edges = [1_790_000_000, 1_790_003_600, 1_790_007_200].flatMap((c) => [c * 1000 - 1, c * 1000, c * 1000 + 999, c * 1000 + 1000]);
    fc.assert(fc.property(moment, fc.constantFrom('read', 'write', 'admin') as fc.Arbitrary<'read' | 'write' | 'admin'>, fc.double({ min: 0, max: 1, noNaN: true }), (at, a, x) => {
      const engagement = { ...ctx.engagement!, startDate: '2026-09-21' };
      const question = (ms: number) => cedarQuestion(a, alice, repo, { ...ctx, engagement, now: new Date(ms) });
      const w = openWindow(at);
      const answer = evaluate(set, question(at), { window: w });
      if (a === 'read') expect([w.from, w.until]).toEqual([-Infinity, Infinity]);
      if (a === 'admin') expect(w.until - w.from).toBe(1000);
      // Every moment in the window, at the edges the policies can tell apart among them, answers alike.
      const inside = [...edges, w.from, w.until - 1, Math.floor(w.from + x * (w.until - 1 - w.from))].filter((ms) => Number.isFinite(ms) && within(w, ms));
      for (const ms of inside) expect(evaluate(set, question(ms), { validate: true }).decision).toBe(answer.decision);
    }), { numRuns: Number(process.env.PALISADE_FUZZ_RUNS ?? 300) });
  });

  it('never changes a decision (random questions, trimmed and whole)', () => {
    const principal = fc.record({
      handle: fc.constantFrom('alice', 'dev-001', 'dev-123'), kind: fc.constantFrom('external', 'member') as fc.Arbitrary<'external' | 'member'>,
      role: fc.constantFrom('developer', 'approver'), status: fc.constantFrom('active', 'suspended'), vendorId: fc.constantFrom(null, 'v1', 'v2'),
      duty: fc.constantFrom(null, 'frontend', 'backend'),
    });
    const resource = fc.record({
      name: fc.constantFrom('orders/db', 'res-0001', 'res-0500'), kind: fc.constantFrom('database', 'git_repository'), environment: fc.constantFrom('production', 'staging', 'development'),
      sensitivity: fc.constantFrom('restricted', 'internal'), status: fc.constantFrom('active', 'retired'), ownerHandle: fc.constantFrom('olivia', 'owen'),
      labels: fc.constantFrom<Record<string, string>>({}, { tier: 'frontend' }, { tier: 'backend', team: 'team-1' }),
    });
    const context = fc.record({
      now: fc.date({ min: new Date('2026-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }), sourceIp: fc.constantFrom(null, '10.1.2.3', '203.0.113.1'),
      gateway: fc.constantFrom('git', 'sftp', 'api'), engagement: fc.constantFrom(null, ctx.engagement, { ...ctx.engagement!, status: 'suspended' }),
      readiness: fc.constantFrom<{ ready: boolean; unmet: string[] }>({ ready: true, unmet: [] }, { ready: false, unmet: ['nda'] }), grantPermission: fc.constantFrom(null, 'read', 'admin'),
      permission: fc.constantFrom('read', 'write'), durationSeconds: fc.constantFrom(0, 3600, 86_400),
    });
    const action = fc.constantFrom('read', 'write', 'admin', 'RequestAccess', 'AutoApprove') as fc.Arbitrary<'read'>;
    fc.assert(fc.property(action, principal, resource, context, (a, p, r, c) => {
      for (const set of sets) {
        const q = cedarQuestion(a, p, r, c);
        const whole = evaluate(set, q, { validate: true });
        const trimmed = evaluate(set, q);
        expect(trimmed.errors).toEqual([]);
        expect({ decision: trimmed.decision, determining: [...trimmed.determining].sort() }).toEqual({ decision: whole.decision, determining: [...whole.determining].sort() });
      }
    }), { numRuns: Number(process.env.PALISADE_FUZZ_RUNS ?? 300) });
  });
});
