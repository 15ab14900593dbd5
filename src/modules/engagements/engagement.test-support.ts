/** @module engagements/engagement.test-support — helpers shared by the engagement tests, all through the HTTP API. */
import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../../test/helpers/test-app.ts';

export type Person = { id: string; handle: string; token: string };

export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** The field paths of a 400 problem. */
export const pathsOf = (res: LightMyRequestResponse) => ((res.json().errors ?? []) as { path: string }[]).map((e) => e.path);

export function engagementHelpers(t: TestApp) {
  const admin = (opts: Parameters<TestApp['call']>[1]) => t.call(t.adminToken, opts);
  let n = 0;

  return {
    admin,

    async vendor(name = `Vendor ${++n} ${Math.random().toString(36).slice(2, 6)}`): Promise<string> {
      const res = await admin({ method: 'POST', url: '/api/v1/vendors', payload: { name } });
      if (res.statusCode !== 201) throw new Error(res.body);
      return res.json().id;
    },

    /** An external developer working for `vendorId`, or a freelancer when null. */
    async developer(vendorId: string | null): Promise<Person> {
      const p = await t.personWithRole('developer');
      if (vendorId) {
        const res = await admin({ method: 'PATCH', url: `/api/v1/people/${p.id}`, payload: { vendorId } });
        if (res.statusCode !== 200) throw new Error(res.body);
      }
      return p;
    },

    create(body: Record<string, unknown>) {
      return admin({
        method: 'POST',
        url: '/api/v1/engagements',
        payload: { name: 'Checkout rewrite', vendorId: null, startDate: '2026-03-01', endDate: '2026-12-31', touchesPersonalData: false, ...body },
      });
    },

    sign(id: string, term: 'nda' | 'dpa' | 'ip-ownership', hash: string, signer = 'Dana Signer', signedAt = '2026-02-27') {
      return admin({ method: 'PUT', url: `/api/v1/engagements/${id}/contract/${term}`, payload: { sha256: hash, signer, signedAt } });
    },

    /** Record every term activation needs (a DPA too), with made-up hashes. */
    async signAll(id: string) {
      for (const [term, c] of [['nda', '1'], ['dpa', '2'], ['ip-ownership', '3']] as const) {
        const res = await admin({ method: 'PUT', url: `/api/v1/engagements/${id}/contract/${term}`, payload: { sha256: c.repeat(64), signer: 'Dana Signer', signedAt: '2026-02-27' } });
        if (res.statusCode !== 200) throw new Error(res.body);
      }
    },

    action(id: string, what: 'activate' | 'suspend' | 'end') {
      return what === 'end'
        ? admin({ method: 'DELETE', url: `/api/v1/engagements/${id}` })
        : admin({ method: 'POST', url: `/api/v1/engagements/${id}/${what}` });
    },

    upload(id: string, term: string, bytes: Buffer, contentType = 'application/pdf', token = t.adminToken) {
      return t.call(token, { method: 'PUT', url: `/api/v1/engagements/${id}/documents/${term}`, payload: bytes, headers: { 'content-type': contentType } });
    },

    /** Audit events of a type about one engagement, oldest first. */
    events(type: string, engagementId: string) {
      return t.database.db.query<{ details: Record<string, unknown>; target_type: string; target_id: string; actor_handle: string }>(
        'SELECT details, target_type, target_id, actor_handle FROM audit_events WHERE type = $1 AND engagement_id = $2 ORDER BY seq',
        [type, engagementId],
      );
    },
  };
}
