import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { engagementHelpers, pathsOf, type Person } from './engagement.test-support.ts';

let t: TestApp;
let h: ReturnType<typeof engagementHelpers>;
let vendorId: string;
let otherVendorId: string;
let dev1: Person;
let dev2: Person;
let freelancer: Person;
let auditor: Person;

beforeAll(async () => {
  t = await createTestApp();
  h = engagementHelpers(t);
  vendorId = await h.vendor('Acme Dev');
  otherVendorId = await h.vendor('Other Shop');
  dev1 = await h.developer(vendorId);
  dev2 = await h.developer(vendorId);
  freelancer = await h.developer(null);
  auditor = await t.personWithRole('auditor');
});
afterAll(() => t.close());

describe('creating an engagement', () => {
  it('returns 201 with a draft, its contract terms and developers, and writes engagement.created and one developer_added each', async () => {
    const res = await h.create({
      name: 'Payments API',
      vendorId,
      touchesPersonalData: true,
      description: 'Card tokenisation service',
      contract: { permittedTools: ['GitHub', 'JetBrains IDEs'], storageLocations: ['company GitLab'], incidentResponseHours: 24 },
      developerIds: [dev1.id, dev2.id],
    });
    expect(res.statusCode, res.body).toBe(201);
    const e = res.json();
    expect(e).toMatchObject({
      name: 'Payments API',
      vendorId,
      status: 'draft',
      startDate: '2026-03-01',
      endDate: '2026-12-31',
      touchesPersonalData: true,
      description: 'Card tokenisation service',
      contract: { nda: null, dpa: null, ipOwnership: null, permittedTools: ['GitHub', 'JetBrains IDEs'], storageLocations: ['company GitLab'], incidentResponseHours: 24 },
    });
    expect(e.developers.map((d: { id: string }) => d.id).sort()).toEqual([dev1.id, dev2.id].sort());
    const [created] = await h.events('engagement.created', e.id);
    expect(created?.details).toMatchObject({ name: 'Payments API', vendorId, status: 'draft', touchesPersonalData: true, developerIds: [dev1.id, dev2.id] });
    const added = await h.events('engagement.developer_added', e.id);
    expect(added.map((a) => a.target_id).sort()).toEqual([dev1.id, dev2.id].sort());
    expect(added[0]?.details).toMatchObject({ engagementId: e.id, handle: expect.any(String) });
  });

  it('creates a freelancer engagement (no vendor) with a freelancer on it', async () => {
    const res = await h.create({ name: 'Logo refresh', vendorId: null, developerIds: [freelancer.id] });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ vendorId: null, developers: [{ id: freelancer.id, handle: freelancer.handle }] });
  });

  it('reports malformed fields at their body paths', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ startDate: '2026-02-30' }, 'body.startDate'],
      [{ endDate: '31.12.2026' }, 'body.endDate'],
      [{ touchesPersonalData: undefined }, 'body.touchesPersonalData'],
      [{ name: '' }, 'body.name'],
      [{ contract: { permittedTools: ['git', 'GIT'] } }, 'body.contract.permittedTools.1'],
      [{ contract: { incidentResponseHours: 0 } }, 'body.contract.incidentResponseHours'],
      [{ developerIds: ['not-a-uuid'] }, 'body.developerIds.0'],
    ];
    for (const [body, path] of cases) {
      const res = await h.create(body);
      expect(res.statusCode, path).toBe(400);
      expect(pathsOf(res), path).toContain(path);
    }
  });

  it('refuses a status, signed terms or unknown fields in the body: those have their own routes', async () => {
    expect((await h.create({ status: 'active' })).statusCode).toBe(400);
    expect((await h.create({ contract: { nda: { sha256: 'a'.repeat(64), signer: 'x', signedAt: '2026-01-01' } } })).statusCode).toBe(400);
  });

  it('refuses an end date before the start date', async () => {
    const res = await h.create({ startDate: '2026-06-01', endDate: '2026-05-31' });
    expect(res.statusCode).toBe(400);
    expect(pathsOf(res)).toEqual(['endDate']);
    expect((await h.create({ startDate: '2026-06-01', endDate: '2026-06-01' })).statusCode).toBe(201);
  });

  it('refuses an unknown vendor at vendorId', async () => {
    const res = await h.create({ vendorId: '0193a3b4-0000-7000-8000-00000000dead' });
    expect(res.statusCode).toBe(400);
    expect(pathsOf(res)).toEqual(['vendorId']);
  });

  it('takes only external people, each once (400 with the path of each bad one)', async () => {
    const member = await t.personWithRole('approver');
    const res = await h.create({ vendorId, developerIds: [dev1.id, member.id, '0193a3b4-0000-7000-8000-00000000beef', dev1.id] });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { path: 'developerIds.1', message: expect.stringMatching(/member/) },
      { path: 'developerIds.2', message: 'no such person' },
      { path: 'developerIds.3', message: 'listed twice' },
    ]);
  });

  it('takes only active developers who work for the engagement\'s vendor, or for none on a freelancer engagement (409)', async () => {
    const suspended = await h.developer(vendorId);
    await h.admin({ method: 'PATCH', url: `/api/v1/people/${suspended.id}`, payload: { status: 'suspended' } });
    const outsider = await h.developer(otherVendorId);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ vendorId, developerIds: [suspended.id] }, /is suspended/],
      [{ vendorId, developerIds: [outsider.id] }, /another vendor/],
      [{ vendorId, developerIds: [freelancer.id] }, /is a freelancer/],
      [{ vendorId: null, developerIds: [dev1.id] }, /works for a vendor/],
    ];
    for (const [body, why] of cases) {
      const res = await h.create(body);
      expect(res.statusCode, String(why)).toBe(409);
      expect(res.json().detail).toMatch(why);
    }
  });
});

describe('reading and listing engagements', () => {
  let ids: string[];
  beforeAll(async () => {
    ids = [];
    for (const [name, devs] of [['Listing alpha', [dev1.id]], ['Listing beta', [dev2.id]], ['Listing gamma', [dev1.id, dev2.id]]] as const) {
      ids.push((await h.create({ name, vendorId, developerIds: devs })).json().id);
    }
    await h.signAll(ids[1]!);
    await h.action(ids[1]!, 'activate');
  });

  it('gets one by id, 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await t.call(auditor.token, { url: `/api/v1/engagements/${ids[0]}` })).json().name).toBe('Listing alpha');
    expect((await t.call(auditor.token, { url: '/api/v1/engagements/0193a3b4-0000-7000-8000-00000000dead' })).statusCode).toBe(404);
    expect(pathsOf(await t.call(auditor.token, { url: '/api/v1/engagements/listing-alpha' }))).toContain('params.id');
  });

  it('filters by name, status, vendor and developer', async () => {
    const names = async (query: string) =>
      ((await t.call(auditor.token, { url: `/api/v1/engagements?q=listing&${query}` })).json().items as { name: string }[]).map((e) => e.name);
    expect(await names('')).toEqual(['Listing alpha', 'Listing beta', 'Listing gamma']);
    expect(await names('status=active')).toEqual(['Listing beta']);
    expect(await names(`developerId=${dev1.id}`)).toEqual(['Listing alpha', 'Listing gamma']);
    expect(await names(`vendorId=${otherVendorId}`)).toEqual([]);
    expect(await names(`vendorId=${vendorId}&status=draft&developerId=${dev2.id}`)).toEqual(['Listing gamma']);
  });

  it('pages through the results with a cursor, in creation order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/engagements?limit=1&q=listing${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { items: { id: string }[]; nextCursor: string | null } = (await t.call(auditor.token, { url })).json();
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
    expect(pathsOf(await t.call(auditor.token, { url: '/api/v1/engagements?cursor=bm9wZQ' }))).toEqual(['cursor']);
  });
});

describe('what a developer sees', () => {
  it('lists only the engagements the developer is on, and answers 404 for any other', async () => {
    const mine = (await h.create({ name: 'Visible to me', vendorId, developerIds: [dev2.id] })).json().id;
    const theirs = (await h.create({ name: 'Not mine', vendorId, developerIds: [dev1.id] })).json().id;
    const listed = (await t.call(dev2.token, { url: '/api/v1/engagements?limit=200' })).json().items as { id: string; developers: { id: string }[] }[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((e) => e.developers.some((d) => d.id === dev2.id))).toBe(true);
    expect(listed.map((e) => e.id)).toContain(mine);
    expect(listed.map((e) => e.id)).not.toContain(theirs);
    expect((await t.call(dev2.token, { url: `/api/v1/engagements/${mine}` })).statusCode).toBe(200);
    const other = await t.call(dev2.token, { url: `/api/v1/engagements/${theirs}` });
    expect(other.statusCode).toBe(404);
    expect(other.json().detail).toBe(`engagement ${theirs} not found`);
  });

  it('cannot widen the list with another developer\'s id', async () => {
    const res = (await t.call(dev2.token, { url: `/api/v1/engagements?developerId=${dev1.id}&limit=200` })).json();
    expect(res.items.every((e: { developers: { id: string }[] }) => e.developers.some((d) => d.id === dev2.id))).toBe(true);
  });

  it('sees nothing after being taken off, and cannot change anything', async () => {
    const id = (await h.create({ name: 'Short stay', vendorId, developerIds: [dev1.id] })).json().id;
    expect((await t.call(dev1.token, { url: `/api/v1/engagements/${id}` })).statusCode).toBe(200);
    await h.admin({ method: 'DELETE', url: `/api/v1/engagements/${id}/developers/${dev1.id}` });
    expect((await t.call(dev1.token, { url: `/api/v1/engagements/${id}` })).statusCode).toBe(404);
    expect((await t.call(dev1.token, { method: 'PATCH', url: `/api/v1/engagements/${id}`, payload: { name: 'x' } })).statusCode).toBe(403);
  });
});

describe('updating an engagement', () => {
  it('changes the data given and records each change from and to', async () => {
    const id = (await h.create({ name: 'Editable', vendorId, contract: { permittedTools: ['GitHub'] } })).json().id;
    const res = await h.admin({
      method: 'PATCH',
      url: `/api/v1/engagements/${id}`,
      payload: { name: 'Edited', endDate: '2027-01-31', contract: { permittedTools: ['GitHub', 'Slack'], incidentResponseHours: 4 } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Edited', endDate: '2027-01-31', contract: { permittedTools: ['GitHub', 'Slack'], storageLocations: [], incidentResponseHours: 4 } });
    const [event] = await h.events('engagement.updated', id);
    expect(event?.details.changes).toEqual({
      name: { from: 'Editable', to: 'Edited' },
      endDate: { from: '2026-12-31', to: '2027-01-31' },
      permittedTools: { from: ['GitHub'], to: ['GitHub', 'Slack'] },
      incidentResponseHours: { from: null, to: 4 },
    });
    expect((await h.admin({ method: 'PATCH', url: `/api/v1/engagements/${id}`, payload: { name: 'Edited' } })).statusCode).toBe(200);
    expect(await h.events('engagement.updated', id)).toHaveLength(1);
  });

  it('checks the date range against the stored dates', async () => {
    const id = (await h.create({ name: 'Dated' })).json().id;
    const res = await h.admin({ method: 'PATCH', url: `/api/v1/engagements/${id}`, payload: { startDate: '2027-01-01' } });
    expect(res.statusCode).toBe(400);
    expect(pathsOf(res)).toEqual(['endDate']);
  });

  it('refuses a status in PATCH: status changes have their own routes', async () => {
    const id = (await h.create({ name: 'No status patch' })).json().id;
    expect((await h.admin({ method: 'PATCH', url: `/api/v1/engagements/${id}`, payload: { status: 'active' } })).statusCode).toBe(400);
  });

  it('moves a draft to another vendor only when its developers work for that vendor', async () => {
    const id = (await h.create({ name: 'Vendor swap', vendorId, developerIds: [dev1.id] })).json().id;
    const blocked = await h.admin({ method: 'PATCH', url: `/api/v1/engagements/${id}`, payload: { vendorId: otherVendorId } });
    expect(blocked.statusCode).toBe(409);
    await h.admin({ method: 'DELETE', url: `/api/v1/engagements/${id}/developers/${dev1.id}` });
    const moved = await h.admin({ method: 'PATCH', url: `/api/v1/engagements/${id}`, payload: { vendorId: otherVendorId } });
    expect(moved.json().vendorId).toBe(otherVendorId);
  });

  it('keeps the vendor of an active engagement, and its DPA rule while it runs', async () => {
    const id = (await h.create({ name: 'Running', vendorId })).json().id;
    await h.sign(id, 'nda', 'a'.repeat(64));
    await h.sign(id, 'ip-ownership', 'b'.repeat(64));
    expect((await h.action(id, 'activate')).statusCode).toBe(200);
    expect((await h.admin({ method: 'PATCH', url: `/api/v1/engagements/${id}`, payload: { vendorId: otherVendorId } })).statusCode).toBe(409);
    const personal = await h.admin({ method: 'PATCH', url: `/api/v1/engagements/${id}`, payload: { touchesPersonalData: true } });
    expect(personal.statusCode).toBe(409);
    expect(personal.json().detail).toMatch(/DPA/);
    await h.sign(id, 'dpa', 'c'.repeat(64));
    expect((await h.admin({ method: 'PATCH', url: `/api/v1/engagements/${id}`, payload: { touchesPersonalData: true } })).json().touchesPersonalData).toBe(true);
  });
});

describe('the developers on an engagement', () => {
  it('adds a developer (engagement.developer_added about the person) and refuses to add them twice', async () => {
    const id = (await h.create({ name: 'Growing team', vendorId })).json().id;
    const res = await h.admin({ method: 'POST', url: `/api/v1/engagements/${id}/developers`, payload: { personId: dev1.id } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().developers).toEqual([{ id: dev1.id, handle: dev1.handle, duty: null }]);
    const [event] = await h.events('engagement.developer_added', id);
    expect(event).toMatchObject({ target_type: 'person', target_id: dev1.id, details: { personId: dev1.id, handle: dev1.handle } });
    expect((await h.admin({ method: 'POST', url: `/api/v1/engagements/${id}/developers`, payload: { personId: dev1.id } })).statusCode).toBe(409);
  });

  it('applies the same rules as at creation', async () => {
    const id = (await h.create({ name: 'Strict team', vendorId })).json().id;
    const add = (personId: string) => h.admin({ method: 'POST', url: `/api/v1/engagements/${id}/developers`, payload: { personId } });
    expect((await add(freelancer.id)).statusCode).toBe(409);
    const member = await add(auditor.id);
    expect(member.statusCode).toBe(400);
    expect(pathsOf(member)).toEqual(['personId']);
    expect(pathsOf(await h.admin({ method: 'POST', url: `/api/v1/engagements/${id}/developers`, payload: {} }))).toContain('body.personId');
  });

  it('removes a developer (engagement.developer_removed) and answers 404 for someone not on it', async () => {
    const id = (await h.create({ name: 'Shrinking team', vendorId, developerIds: [dev1.id, dev2.id] })).json().id;
    const res = await h.admin({ method: 'DELETE', url: `/api/v1/engagements/${id}/developers/${dev2.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().developers).toEqual([{ id: dev1.id, handle: dev1.handle, duty: null }]);
    expect(await h.events('engagement.developer_removed', id)).toMatchObject([{ target_id: dev2.id, details: { personId: dev2.id } }]);
    expect((await h.admin({ method: 'DELETE', url: `/api/v1/engagements/${id}/developers/${dev2.id}` })).statusCode).toBe(404);
  });

  it('takes no new developers while the vendor is archived', async () => {
    const v = await h.vendor();
    const dev = await h.developer(v);
    const id = (await h.create({ name: 'Archived vendor draft', vendorId: v })).json().id;
    await h.admin({ method: 'DELETE', url: `/api/v1/vendors/${v}` });
    const res = await h.admin({ method: 'POST', url: `/api/v1/engagements/${id}/developers`, payload: { personId: dev.id } });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(/archived/);
  });
});
