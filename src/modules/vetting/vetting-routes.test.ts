import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { accessHelpers } from '../access/access.test-support.ts';

let t: TestApp;
let h: ReturnType<typeof accessHelpers>;
beforeAll(async () => {
  t = await createTestApp();
  h = accessHelpers(t);
});
afterAll(() => t.close());

const requirementsOf = (res: { json(): { unmet: { requirement: string }[] } }) => res.json().unmet.map((u) => u.requirement);

describe('vetting records', () => {
  it('records each kind with its audit event and shows them newest first', async () => {
    const dev = await t.personWithRole('developer');
    const base = `/api/v1/people/${dev.handle}/vetting`;
    const bg = h.ok(await h.admin({ method: 'POST', url: `${base}/background-checks`, payload: { status: 'pending', provider: 'Sterling', checkedOn: '2026-02-01' } }), 201);
    expect(bg).toMatchObject({ personId: dev.id, status: 'pending', provider: 'Sterling', reference: null, checkedOn: '2026-02-01' });
    h.ok(await h.admin({ method: 'POST', url: `${base}/background-checks`, payload: { status: 'clear', provider: 'Sterling', reference: 'ST-99', checkedOn: '2026-02-10' } }), 201);
    const quiz = h.ok(await h.admin({ method: 'POST', url: `${base}/quiz-results`, payload: { score: 70, passMark: 80, takenOn: '2026-02-11' } }), 201);
    expect(quiz).toMatchObject({ quiz: 'security-awareness', passed: false });
    h.ok(await h.admin({ method: 'POST', url: `${base}/reference-checks`, payload: { refereeName: 'Ann Lead', refereeContact: 'ann@old.example', outcome: 'passed', checkedOn: '2026-02-12' } }), 201);
    const record = h.ok(await h.admin({ url: base }));
    expect(record.backgroundChecks.map((c: { status: string }) => c.status)).toEqual(['clear', 'pending']);
    expect(record.referenceChecks).toHaveLength(1);
    expect(record.quizResults).toHaveLength(1);
    const [refEvent] = await h.events('vetting.reference_check_recorded', dev.id);
    expect(refEvent!.details).toMatchObject({ handle: dev.handle, refereeName: 'Ann Lead', outcome: 'passed' });
    expect(JSON.stringify(refEvent!.details)).not.toContain('ann@old.example');
    expect(await h.events('vetting.background_check_recorded', dev.id)).toHaveLength(2);
  });

  it('refuses vetting a member, dates in the future and unknown statuses', async () => {
    const member = await t.personWithRole('approver');
    const dev = await t.personWithRole('developer');
    expect((await h.admin({ method: 'POST', url: `/api/v1/people/${member.id}/vetting/background-checks`, payload: { status: 'clear', provider: 'X', checkedOn: '2026-02-01' } })).statusCode).toBe(400);
    const future = await h.admin({ method: 'POST', url: `/api/v1/people/${dev.id}/vetting/background-checks`, payload: { status: 'clear', provider: 'X', checkedOn: '2026-05-01' } });
    expect(future.statusCode).toBe(400);
    expect(future.json().errors).toEqual([{ path: 'checkedOn', message: 'must not be after 2026-03-03' }]);
    expect((await h.admin({ method: 'POST', url: `/api/v1/people/${dev.id}/vetting/background-checks`, payload: { status: 'fine', provider: 'X', checkedOn: '2026-02-01' } })).statusCode).toBe(400);
  });

  it('lets approvers and auditors read vetting but only admins write it; developers neither', async () => {
    const dev = await t.personWithRole('developer');
    for (const role of ['approver', 'auditor'] as const) {
      const p = await t.personWithRole(role);
      expect((await t.call(p.token, { url: `/api/v1/people/${dev.id}/vetting` })).statusCode).toBe(200);
      expect((await t.call(p.token, { method: 'POST', url: `/api/v1/people/${dev.id}/vetting/red-flags`, payload: { description: 'x' } })).statusCode).toBe(403);
    }
    expect((await t.call(dev.token, { url: `/api/v1/people/${dev.id}/vetting` })).statusCode).toBe(403);
  });

  it('decides red flags with a comment, records from → to, and lets a decision be revised', async () => {
    const dev = await t.personWithRole('developer');
    const flag = h.ok(await h.admin({ method: 'POST', url: `/api/v1/people/${dev.id}/vetting/red-flags`, payload: { description: 'reference could not be reached' } }), 201);
    expect(flag).toMatchObject({ decision: null, decidedAt: null });
    expect((await h.admin({ method: 'POST', url: `/api/v1/vetting/red-flags/${flag.id}/decision`, payload: { decision: 'upheld' } })).statusCode).toBe(400);
    const upheld = h.ok(await h.admin({ method: 'POST', url: `/api/v1/vetting/red-flags/${flag.id}/decision`, payload: { decision: 'upheld', comment: 'no answer after three tries' } }));
    expect(upheld).toMatchObject({ decision: 'upheld', decisionComment: 'no answer after three tries' });
    h.ok(await h.admin({ method: 'POST', url: `/api/v1/vetting/red-flags/${flag.id}/decision`, payload: { decision: 'cleared', comment: 'referee called back' } }));
    expect((await h.events('vetting.red_flag_decided', dev.id)).map((e) => [e.details.from, e.details.to])).toEqual([[null, 'upheld'], ['upheld', 'cleared']]);
    expect((await h.admin({ method: 'POST', url: '/api/v1/vetting/red-flags/0193a3b4-0000-7000-8000-000000000001/decision', payload: { decision: 'cleared', comment: 'x' } })).statusCode).toBe(404);
  });

  it('records training completions, refusing an expiry before completion', async () => {
    const dev = await t.personWithRole('developer');
    const done = h.ok(await h.admin({ method: 'POST', url: `/api/v1/people/${dev.id}/training`, payload: { module: 'secure-coding', completedAt: '2026-02-01T09:30:00Z', score: 92 } }), 201);
    expect(done).toMatchObject({ module: 'secure-coding', completedAt: '2026-02-01T09:30:00.000Z', expiresAt: null, score: 92 });
    const bad = await h.admin({ method: 'POST', url: `/api/v1/people/${dev.id}/training`, payload: { module: 'secure-coding', completedAt: '2026-02-01', expiresAt: '2026-01-01' } });
    expect(bad.json().errors).toEqual([{ path: 'expiresAt', message: 'must be after completedAt' }]);
    expect(await h.events('training.recorded', dev.id)).toHaveLength(1);
  });
});

describe('readiness', () => {
  it('lists every unmet requirement of a developer on a draft engagement without contract or vetting', async () => {
    const dev = await t.personWithRole('developer');
    const id = await h.engagement({ sign: false });
    await h.addDeveloper(id, dev.id);
    const res = h.ok(await h.admin({ url: `/api/v1/engagements/${id}/readiness/${dev.handle}` }));
    expect(res.ready).toBe(false);
    expect(res.unmet.map((u: { requirement: string }) => u.requirement)).toEqual([
      'engagement_active', 'nda', 'ip_ownership', 'background_check', 'references', 'security_quiz', 'training',
    ]);
    expect(res.unmet[1].message).toBe('The NDA is not signed.');
  });

  it('clears item by item as the contract, vetting and training come in, down to ready', async () => {
    const dev = await t.personWithRole('developer');
    const id = await h.engagement();
    await h.addDeveloper(id, dev.id);
    const url = `/api/v1/engagements/${id}/readiness/${dev.id}`;
    expect(requirementsOf(await h.admin({ url }))).toEqual(['background_check', 'references', 'security_quiz', 'training']);
    const flag = h.ok(await h.admin({ method: 'POST', url: `/api/v1/people/${dev.id}/vetting/red-flags`, payload: { description: 'gap in CV' } }), 201);
    await h.vet(dev.id);
    expect(requirementsOf(await h.admin({ url }))).toEqual(['red_flags']);
    await h.admin({ method: 'POST', url: `/api/v1/vetting/red-flags/${flag.id}/decision`, payload: { decision: 'cleared', comment: 'explained: parental leave' } });
    expect(h.ok(await h.admin({ url }))).toMatchObject({ ready: true, unmet: [] });
    // The latest background check counts: a later flagged check makes the developer unready again.
    await h.admin({ method: 'POST', url: `/api/v1/people/${dev.id}/vetting/background-checks`, payload: { status: 'flagged', provider: 'Sterling', checkedOn: '2026-03-01' } });
    expect(requirementsOf(await h.admin({ url }))).toEqual(['background_check']);
  });

  it('follows the readiness settings: more references, another required module', async () => {
    const dev = await h.readyDeveloper();
    const url = `/api/v1/engagements/${dev.engagementId}/readiness/${dev.id}`;
    h.ok(await h.admin({ method: 'PATCH', url: '/api/v1/settings/access', payload: { readiness: { referencesRequired: 2, requiredTraining: ['security-awareness', 'gdpr-basics'] } } }));
    const res = h.ok(await h.admin({ url }));
    expect(res.unmet.map((u: { message: string }) => u.message)).toEqual([
      `2 passed reference checks are required; ${dev.handle} has 1.`,
      `${dev.handle} has not completed the required training "gdpr-basics".`,
    ]);
    h.ok(await h.admin({ method: 'PATCH', url: '/api/v1/settings/access', payload: { readiness: { referencesRequired: 1, requiredTraining: ['security-awareness'] } } }));
    expect(h.ok(await h.admin({ url })).ready).toBe(true);
  });

  it('shows every developer of an engagement to members, and only themself to a developer', async () => {
    const a = await h.readyDeveloper();
    const b = await t.personWithRole('developer');
    await h.addDeveloper(a.engagementId, b.id);
    const all = h.ok(await h.admin({ url: `/api/v1/engagements/${a.engagementId}/readiness` }));
    expect(all.developers.map((d: { handle: string; ready: boolean }) => [d.handle, d.ready])).toEqual([[a.handle, true], [b.handle, false]]);
    const own = h.ok(await t.call(b.token, { url: `/api/v1/engagements/${a.engagementId}/readiness` }));
    expect(own.developers.map((d: { handle: string }) => d.handle)).toEqual([b.handle]);
    expect((await t.call(b.token, { url: `/api/v1/engagements/${a.engagementId}/readiness/${a.handle}` })).statusCode).toBe(404);
    const stranger = await t.personWithRole('developer');
    expect((await t.call(stranger.token, { url: `/api/v1/engagements/${a.engagementId}/readiness` })).statusCode).toBe(404);
  });

  it('says so when the engagement has not started or has ended', async () => {
    const dev = await h.readyDeveloper();
    t.clock.set(new Date('2027-01-01T08:00:00Z'));
    try {
      const res = h.ok(await h.admin({ url: `/api/v1/engagements/${dev.engagementId}/readiness/${dev.id}` }));
      expect(res.unmet).toContainEqual({ requirement: 'engagement_dates', message: expect.stringMatching(/ended on 2026-12-31; today is 2027-01-01/) });
      expect(res.unmet.map((u: { requirement: string }) => u.requirement)).toEqual(['engagement_dates']);
    } finally {
      t.clock.set(new Date('2026-03-02T10:00:00Z'));
    }
  });
});
