import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { engagementHelpers } from './engagement.test-support.ts';

let t: TestApp;
let h: ReturnType<typeof engagementHelpers>;
let vendorId: string;

beforeAll(async () => {
  t = await createTestApp();
  h = engagementHelpers(t);
  vendorId = await h.vendor('Status Vendor');
});
afterAll(() => t.close());

const statusOf = async (id: string) => (await h.admin({ url: `/api/v1/engagements/${id}` })).json().status as string;

describe('activating an engagement (contracts first)', () => {
  it('refuses without an NDA and an IP-ownership clause, naming what is missing', async () => {
    const id = (await h.create({ name: 'Unsigned', vendorId })).json().id;
    const res = await h.action(id, 'activate');
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(/missing signed NDA, IP-ownership clause$/);
    await h.sign(id, 'nda', 'a'.repeat(64));
    expect((await h.action(id, 'activate')).json().detail).toMatch(/missing signed IP-ownership clause$/);
    expect(await statusOf(id)).toBe('draft');
    expect(await h.events('engagement.activated', id)).toHaveLength(0);
  });

  it('also requires a DPA when the engagement touches personal data', async () => {
    const id = (await h.create({ name: 'Personal data', vendorId, touchesPersonalData: true })).json().id;
    await h.sign(id, 'nda', 'a'.repeat(64));
    await h.sign(id, 'ip-ownership', 'b'.repeat(64));
    const res = await h.action(id, 'activate');
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(/missing signed DPA \(data processing agreement/);
    await h.sign(id, 'dpa', 'c'.repeat(64));
    expect((await h.action(id, 'activate')).statusCode).toBe(200);
  });

  it('activates a signed draft and records engagement.activated from draft to active', async () => {
    const id = (await h.create({ name: 'Ready', vendorId })).json().id;
    await h.signAll(id);
    const res = await h.action(id, 'activate');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('active');
    const [event] = await h.events('engagement.activated', id);
    expect(event).toMatchObject({ target_type: 'engagement', target_id: id, actor_handle: 'admin', details: { from: 'draft', to: 'active', name: 'Ready' } });
  });

  it('refuses once the end date has passed', async () => {
    const id = (await h.create({ name: 'Too old', startDate: '2025-01-01', endDate: '2026-03-01' })).json().id;
    await h.signAll(id);
    const res = await h.action(id, 'activate');
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(/end date 2026-03-01 has passed/);
  });

  it('refuses while the vendor is archived', async () => {
    const v = await h.vendor();
    const id = (await h.create({ name: 'Orphan', vendorId: v })).json().id;
    await h.signAll(id);
    await h.admin({ method: 'DELETE', url: `/api/v1/vendors/${v}` });
    const res = await h.action(id, 'activate');
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(/archived/);
  });
});

describe('the status machine', () => {
  it('goes draft → active → suspended → active → ended, one event per step, each with the engagement id', async () => {
    const id = (await h.create({ name: 'Full cycle', vendorId })).json().id;
    await h.signAll(id);
    for (const [step, to] of [['activate', 'active'], ['suspend', 'suspended'], ['activate', 'active'], ['end', 'ended']] as const) {
      const res = await h.action(id, step);
      expect(res.statusCode, `${step}: ${res.body}`).toBe(200);
      expect(res.json().status).toBe(to);
    }
    const rows = await t.database.db.query<{ type: string; details: { from: string; to: string } }>(
      "SELECT type, details FROM audit_events WHERE engagement_id = $1 AND type IN ('engagement.activated', 'engagement.suspended', 'engagement.ended') ORDER BY seq",
      [id],
    );
    expect(rows.map((r) => [r.type, r.details.from, r.details.to])).toEqual([
      ['engagement.activated', 'draft', 'active'],
      ['engagement.suspended', 'active', 'suspended'],
      ['engagement.activated', 'suspended', 'active'],
      ['engagement.ended', 'active', 'ended'],
    ]);
  });

  it('ends a draft directly', async () => {
    const id = (await h.create({ name: 'Never started' })).json().id;
    const res = await h.action(id, 'end');
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('ended');
    expect((await h.events('engagement.ended', id))[0]?.details).toMatchObject({ from: 'draft', to: 'ended' });
  });

  it('refuses to suspend a draft and to repeat a status (409)', async () => {
    const id = (await h.create({ name: 'Picky' })).json().id;
    const suspend = await h.action(id, 'suspend');
    expect(suspend.statusCode).toBe(409);
    expect(suspend.json().detail).toBe('an engagement cannot go from draft to suspended');
    await h.signAll(id);
    await h.action(id, 'activate');
    expect((await h.action(id, 'activate')).json().detail).toMatch(/already active/);
    await h.action(id, 'suspend');
    expect((await h.action(id, 'suspend')).statusCode).toBe(409);
    expect(await statusOf(id)).toBe('suspended');
  });

  it('treats ended as final: every change afterwards is a 409', async () => {
    const id = (await h.create({ name: 'Closed', vendorId })).json().id;
    const dev = await h.developer(vendorId);
    await h.action(id, 'end');
    const attempts = [
      await h.action(id, 'activate'),
      await h.action(id, 'suspend'),
      await h.action(id, 'end'),
      await h.admin({ method: 'PATCH', url: `/api/v1/engagements/${id}`, payload: { name: 'Reopened' } }),
      await h.admin({ method: 'POST', url: `/api/v1/engagements/${id}/developers`, payload: { personId: dev.id } }),
      await h.sign(id, 'nda', 'd'.repeat(64)),
    ];
    for (const res of attempts) {
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().detail).toMatch(/ended/);
    }
    expect(await statusOf(id)).toBe('ended');
    expect(await h.events('engagement.ended', id)).toHaveLength(1);
  });

  it('answers 404 for a status change of an unknown engagement', async () => {
    expect((await h.action('0193a3b4-0000-7000-8000-00000000dead', 'activate')).statusCode).toBe(404);
  });
});
