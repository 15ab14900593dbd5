import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';

let t: TestApp;
let auditor: { id: string; token: string };

const post = (payload: Record<string, unknown>) => t.call(t.adminToken, { method: 'POST', url: '/api/v1/vendors', payload });
const patch = (ref: string, payload: Record<string, unknown>) => t.call(t.adminToken, { method: 'PATCH', url: `/api/v1/vendors/${ref}`, payload });
const archive = (ref: string) => t.call(t.adminToken, { method: 'DELETE', url: `/api/v1/vendors/${ref}` });
const pathsOf = (res: { json(): { errors?: { path: string }[] } }) => (res.json().errors ?? []).map((e) => e.path);

async function eventsOf(type: string, targetId: string) {
  return t.database.db.query<{ details: Record<string, unknown>; actor_handle: string }>(
    'SELECT details, actor_handle FROM audit_events WHERE type = $1 AND target_id = $2 ORDER BY seq',
    [type, targetId],
  );
}

beforeAll(async () => {
  t = await createTestApp();
  auditor = await t.personWithRole('auditor');
});
afterAll(() => t.close());

describe('creating a vendor', () => {
  it('returns 201 with the vendor and its contacts, and writes vendor.created', async () => {
    const res = await post({
      name: 'Acme Dev GmbH',
      website: 'https://acme.example',
      contacts: [
        { name: 'Jana Novak', email: 'jana@acme.example', phone: '+49 (30) 1234-5678', role: 'account manager' },
        { name: 'Ops desk', email: 'ops@acme.example' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json();
    expect(v).toMatchObject({ name: 'Acme Dev GmbH', website: 'https://acme.example', status: 'active', developerCount: 0 });
    expect(v.contacts).toEqual([
      { name: 'Jana Novak', email: 'jana@acme.example', phone: '+493012345678', role: 'account manager' },
      { name: 'Ops desk', email: 'ops@acme.example' },
    ]);
    const [event] = await eventsOf('vendor.created', v.id);
    expect(event?.actor_handle).toBe('admin');
    expect(event?.details).toMatchObject({ name: 'Acme Dev GmbH', contacts: v.contacts });
  });

  it('refuses a name that is taken, whatever its case', async () => {
    const res = await post({ name: 'ACME dev gmbh' });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(/already exists/);
  });

  it('reports each bad contact field at its path', async () => {
    const res = await post({
      name: 'Bad contacts',
      contacts: [
        { name: 'A', email: 'not-an-email' },
        { name: 'B', email: 'b@x.example', phone: '030 1234' },
        { name: '', email: 'c@x.example' },
        { name: 'D', email: 'B@x.example' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(pathsOf(res)).toEqual(expect.arrayContaining(['body.contacts.0.email', 'body.contacts.1.phone', 'body.contacts.2.name', 'body.contacts.3.email']));
  });

  it('allows at most 20 contacts', async () => {
    const contacts = Array.from({ length: 21 }, (_, i) => ({ name: `C${i}`, email: `c${i}@x.example` }));
    const res = await post({ name: 'Crowded', contacts });
    expect(res.statusCode).toBe(400);
    expect(pathsOf(res)).toContain('body.contacts');
    expect((await post({ name: 'Just fits', contacts: contacts.slice(0, 20) })).statusCode).toBe(201);
  });

  it('refuses a non-http website, a name that looks like an id, and unknown fields', async () => {
    expect(pathsOf(await post({ name: 'Scheme', website: 'javascript:alert(1)' }))).toContain('body.website');
    expect(pathsOf(await post({ name: '0193a3b4-0000-7000-8000-000000000001' }))).toContain('body.name');
    expect((await post({ name: 'Extra', status: 'archived' })).statusCode).toBe(400);
  });
});

describe('reading vendors', () => {
  it('finds a vendor by id and by its exact name in any case', async () => {
    const id = (await post({ name: 'Blue Harbor' })).json().id;
    expect((await t.call(auditor.token, { url: `/api/v1/vendors/${id}` })).json().name).toBe('Blue Harbor');
    const byName = await t.call(auditor.token, { url: '/api/v1/vendors/blue%20harbor' });
    expect(byName.statusCode).toBe(200);
    expect(byName.json().id).toBe(id);
    expect((await t.call(auditor.token, { url: '/api/v1/vendors/Blue' })).statusCode).toBe(404);
  });

  it('counts the developers who work for the vendor and are not offboarded', async () => {
    const id = (await post({ name: 'Counted' })).json().id;
    const a = await t.personWithRole('developer');
    const b = await t.personWithRole('developer');
    for (const p of [a, b]) expect((await t.call(t.adminToken, { method: 'PATCH', url: `/api/v1/people/${p.id}`, payload: { vendorId: id } })).statusCode).toBe(200);
    await t.call(t.adminToken, { method: 'DELETE', url: `/api/v1/people/${b.id}` });
    expect((await t.call(auditor.token, { url: `/api/v1/vendors/${id}` })).json().developerCount).toBe(1);
  });
});

describe('listing vendors', () => {
  it('filters by name substring and status, and pages with a cursor', async () => {
    for (const name of ['Paging One', 'Paging Two', 'Paging Three']) expect((await post({ name })).statusCode).toBe(201);
    await archive('Paging Two');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/v1/vendors?q=paging&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { items: { name: string }[]; nextCursor: string | null } = (await t.call(auditor.token, { url: q })).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((v) => v.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Paging One', 'Paging Two', 'Paging Three']);
    const active = (await t.call(auditor.token, { url: '/api/v1/vendors?q=PAGING&status=active' })).json();
    expect(active.items.map((v: { name: string }) => v.name)).toEqual(['Paging One', 'Paging Three']);
  });

  it('treats % and _ in q as plain characters', async () => {
    await post({ name: '100% Remote' });
    const res = (await t.call(auditor.token, { url: '/api/v1/vendors?q=0%25' })).json();
    expect(res.items.map((v: { name: string }) => v.name)).toEqual(['100% Remote']);
    expect((await t.call(auditor.token, { url: '/api/v1/vendors?q=_' })).json().items).toEqual([]);
  });

  it('rejects a cursor it did not issue and a limit out of range', async () => {
    expect(pathsOf(await t.call(auditor.token, { url: '/api/v1/vendors?cursor=garbage' }))).toContain('cursor');
    expect(pathsOf(await t.call(auditor.token, { url: '/api/v1/vendors?limit=201' }))).toContain('querystring.limit');
  });
});

describe('updating a vendor', () => {
  it('changes the fields given and records what changed, from and to', async () => {
    const id = (await post({ name: 'Renamed Ltd', contacts: [{ name: 'Old', email: 'old@r.example' }] })).json().id;
    const res = await patch(id, { name: 'Renamed Limited', contacts: [{ name: 'New', email: 'new@r.example', role: 'CTO' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Renamed Limited', contacts: [{ name: 'New', email: 'new@r.example', role: 'CTO' }] });
    const [event] = await eventsOf('vendor.updated', id);
    expect(event?.details.changes).toEqual({
      name: { from: 'Renamed Ltd', to: 'Renamed Limited' },
      contacts: { from: [{ name: 'Old', email: 'old@r.example' }], to: [{ name: 'New', email: 'new@r.example', role: 'CTO' }] },
    });
  });

  it('writes no event when nothing changes', async () => {
    const id = (await post({ name: 'Unchanged' })).json().id;
    expect((await patch(id, { name: 'Unchanged' })).statusCode).toBe(200);
    expect(await eventsOf('vendor.updated', id)).toHaveLength(0);
  });

  it('refuses a name another vendor has, and a status other than active', async () => {
    await post({ name: 'Taken Name' });
    const id = (await post({ name: 'Wants It' })).json().id;
    expect((await patch(id, { name: 'taken name' })).statusCode).toBe(409);
    expect(pathsOf(await patch(id, { status: 'archived' }))).toContain('body.status');
  });
});

describe('archiving a vendor', () => {
  it('archives, records vendor.archived once, and a second DELETE changes nothing', async () => {
    const id = (await post({ name: 'Sunset Co' })).json().id;
    const res = await archive(id);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('archived');
    expect((await archive('sunset co')).json().status).toBe('archived');
    expect(await eventsOf('vendor.archived', id)).toHaveLength(1);
  });

  it('keeps an archived vendor from getting new people or engagements, until it is restored', async () => {
    const id = (await post({ name: 'Dormant' })).json().id;
    await archive(id);
    const dev = await t.personWithRole('developer');
    const person = await t.call(t.adminToken, { method: 'PATCH', url: `/api/v1/people/${dev.id}`, payload: { vendorId: id } });
    expect(person.statusCode).toBe(409);
    const engagement = { name: 'Too late', vendorId: id, startDate: '2026-03-01', endDate: '2026-06-30', touchesPersonalData: false };
    const refused = await t.call(t.adminToken, { method: 'POST', url: '/api/v1/engagements', payload: engagement });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/archived/);

    const restored = await patch(id, { status: 'active' });
    expect(restored.json().status).toBe('active');
    expect((await eventsOf('vendor.updated', id))[0]?.details.changes).toEqual({ status: { from: 'archived', to: 'active' } });
    expect((await t.call(t.adminToken, { method: 'POST', url: '/api/v1/engagements', payload: engagement })).statusCode).toBe(201);
  });

  it('refuses while the vendor has an active or suspended engagement, and names it', async () => {
    const id = (await post({ name: 'Busy Bees' })).json().id;
    const e = (await t.call(t.adminToken, {
      method: 'POST',
      url: '/api/v1/engagements',
      payload: { name: 'Hive rewrite', vendorId: id, startDate: '2026-03-01', endDate: '2026-12-31', touchesPersonalData: false },
    })).json();
    expect((await archive(id)).statusCode, 'a draft does not block archiving').toBe(200);
    await patch(id, { status: 'active' });
    const hash = 'a'.repeat(64);
    for (const term of ['nda', 'ip-ownership']) {
      await t.call(t.adminToken, { method: 'PUT', url: `/api/v1/engagements/${e.id}/contract/${term}`, payload: { sha256: hash, signer: 'Bea Bee', signedAt: '2026-02-20' } });
    }
    expect((await t.call(t.adminToken, { method: 'POST', url: `/api/v1/engagements/${e.id}/activate` })).statusCode).toBe(200);

    const blocked = await archive(id);
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().detail).toMatch(/"Hive rewrite" \(active\).*end them/);
    await t.call(t.adminToken, { method: 'POST', url: `/api/v1/engagements/${e.id}/suspend` });
    expect((await archive(id)).json().detail).toMatch(/\(suspended\)/);
    expect((await t.call(auditor.token, { url: `/api/v1/vendors/${id}` })).json().status).toBe('active');

    await t.call(t.adminToken, { method: 'DELETE', url: `/api/v1/engagements/${e.id}` });
    expect((await archive(id)).json().status).toBe('archived');
  });
});
