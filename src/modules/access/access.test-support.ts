/** @module access/access.test-support — building a ready developer, resources and requests through the HTTP API, for the access tests. */
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../../test/helpers/test-app.ts';

export type Person = { id: string; handle: string; token: string };

const ok = (res: LightMyRequestResponse, status = 200) => {
  if (res.statusCode !== status) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
};

export function accessHelpers(t: TestApp) {
  const admin = (opts: Parameters<TestApp['call']>[1]) => t.call(t.adminToken, opts);
  let n = 0;

  const h = {
    admin,
    ok,

    /** An engagement (freelancer, 2026-03-01 … 2026-12-31, no personal data) with its terms signed, activated unless `draft`. */
    async engagement(opts: { sign?: boolean; activate?: boolean; touchesPersonalData?: boolean; endDate?: string } = {}): Promise<string> {
      const e = ok(await admin({
        method: 'POST', url: '/api/v1/engagements',
        payload: { name: `Engagement ${++n}`, vendorId: null, startDate: '2026-03-01', endDate: opts.endDate ?? '2026-12-31', touchesPersonalData: opts.touchesPersonalData ?? false },
      }), 201);
      if (opts.sign !== false) {
        for (const [term, c] of [['nda', 'a'], ['ip-ownership', 'b'], ...(opts.touchesPersonalData ? [['dpa', 'c']] : [])] as const) {
          ok(await admin({ method: 'PUT', url: `/api/v1/engagements/${e.id}/contract/${term}`, payload: { sha256: c.repeat(64), signer: 'Dana Signer', signedAt: '2026-02-27' } }));
        }
      }
      if (opts.sign !== false && opts.activate !== false) ok(await admin({ method: 'POST', url: `/api/v1/engagements/${e.id}/activate` }));
      return e.id;
    },

    async addDeveloper(engagementId: string, personId: string, duty: string | null = 'backend') {
      return ok(await admin({ method: 'POST', url: `/api/v1/engagements/${engagementId}/developers`, payload: { personId, duty } }));
    },

    /** Background check clear, one passed reference, the quiz passed, security-awareness training valid for a year. */
    async vet(personId: string) {
      const base = `/api/v1/people/${personId}/vetting`;
      ok(await admin({ method: 'POST', url: `${base}/background-checks`, payload: { status: 'clear', provider: 'Sterling', reference: 'ST-1', checkedOn: '2026-02-20' } }), 201);
      ok(await admin({ method: 'POST', url: `${base}/reference-checks`, payload: { refereeName: 'Former Lead', refereeContact: 'lead@old.example', outcome: 'passed', checkedOn: '2026-02-21' } }), 201);
      ok(await admin({ method: 'POST', url: `${base}/quiz-results`, payload: { quiz: 'security-awareness', score: 90, passMark: 80, takenOn: '2026-02-22' } }), 201);
      ok(await admin({ method: 'POST', url: `/api/v1/people/${personId}/training`, payload: { module: 'security-awareness', completedAt: '2026-02-23', expiresAt: '2027-02-23' } }), 201);
    },

    /** An external developer, vetted and trained, on a new active engagement. */
    async readyDeveloper(duty: string | null = 'backend'): Promise<Person & { engagementId: string }> {
      const dev = await t.personWithRole('developer');
      const engagementId = await h.engagement();
      await h.addDeveloper(engagementId, dev.id, duty);
      await h.vet(dev.id);
      return { ...dev, engagementId };
    },

    async resource(environment: 'production' | 'staging' | 'development', opts: { owner?: string; sensitivity?: string; kind?: string } = {}) {
      const owner = opts.owner ?? (await t.personWithRole('approver')).id;
      return ok(await admin({
        method: 'POST', url: '/api/v1/resources',
        payload: { name: `res-${++n}-${Math.random().toString(36).slice(2, 6)}`, kind: opts.kind ?? 'git_repository', environment, sensitivity: opts.sensitivity ?? 'internal', ownerId: owner },
      }), 201) as { id: string; name: string; ownerId: string };
    },

    request(token: string, body: Record<string, unknown>) {
      return t.call(token, { method: 'POST', url: '/api/v1/access-requests', payload: { permission: 'read', duration: 'PT8H', justification: 'fixing the checkout bug #123', ...body } });
    },

    approve(token: string, id: string, comment = 'ok for the sprint') {
      return t.call(token, { method: 'POST', url: `/api/v1/access-requests/${id}/approve`, payload: { comment } });
    },

    /** Audit events of a type, oldest first, optionally about one target. */
    events(type: string, targetId?: string) {
      return t.database.db.query<{ details: Record<string, unknown>; target_id: string; engagement_id: string | null; actor_handle: string; outcome: string }>(
        'SELECT details, target_id, engagement_id, actor_handle, outcome FROM audit_events WHERE type = $1 AND ($2::text IS NULL OR target_id = $2) ORDER BY seq',
        [type, targetId ?? null],
      );
    },
  };
  return h;
}
