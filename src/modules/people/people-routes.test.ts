import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';

function newSshKey(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'palisade-key-')), 'id');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dev', '-f', file]);
  return readFileSync(`${file}.pub`, 'utf8');
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const asAdmin = (opts: Parameters<TestApp['call']>[1]) => t.call(t.adminToken, opts);
const developer = (handle: string, extra: Record<string, unknown> = {}) => ({
  handle, name: `Dev ${handle}`, email: `${handle}@agency.example`, kind: 'external', timeZone: 'Asia/Kolkata',
  workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '10:00', end: '19:00' }, ...extra,
});

describe('people API', () => {
  it('creates an external developer with an SSH key and records person.created in the audit log', async () => {
    const key = newSshKey();
    const res = await asAdmin({ method: 'POST', url: '/api/v1/people', payload: developer('priya', { sshPublicKeys: [key] }) });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({ handle: 'priya', kind: 'external', role: 'developer', vendorId: null, status: 'active', timeZone: 'Asia/Kolkata' });
    expect(p.sshPublicKeys[0].fingerprint).toMatch(/^SHA256:/);
    const events = await t.database.db.query<{ type: string; target_id: string; actor_handle: string }>(
      "SELECT type, target_id, actor_handle FROM audit_events WHERE type = 'person.created' AND target_id = $1",
      [p.id],
    );
    expect(events).toEqual([{ type: 'person.created', target_id: p.id, actor_handle: 'admin' }]);
  });

  it('refuses a duplicate handle, a duplicate email and a key already owned by someone else with 409', async () => {
    const key = newSshKey();
    expect((await asAdmin({ method: 'POST', url: '/api/v1/people', payload: developer('omar', { sshPublicKeys: [key] }) })).statusCode).toBe(201);
    const dupHandle = await asAdmin({ method: 'POST', url: '/api/v1/people', payload: developer('omar', { email: 'other@x.example' }) });
    expect(dupHandle.statusCode).toBe(409);
    expect(dupHandle.json().detail).toMatch(/handle/);
    const dupEmail = await asAdmin({ method: 'POST', url: '/api/v1/people', payload: developer('omar2', { email: 'OMAR@agency.example' }) });
    expect(dupEmail.statusCode).toBe(409);
    const dupKey = await asAdmin({ method: 'POST', url: '/api/v1/people', payload: developer('omar3', { sshPublicKeys: [key] }) });
    expect(dupKey.statusCode).toBe(409);
    expect(dupKey.json().detail).toMatch(/already belongs to omar/);
  });

  it('answers invalid input with field-level problem details', async () => {
    const res = await asAdmin({
      method: 'POST',
      url: '/api/v1/people',
      payload: developer('Bad Handle', { timeZone: 'Mars/Base', email: 'nope', workingHours: { days: ['mon'], start: '25:00', end: '09:00' } }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.handle', 'body.timeZone', 'body.email', 'body.workingHours.start']));
    expect(res.json().requestId).toBe(res.headers['x-request-id']);
  });

  it('refuses a private key pasted as an SSH key, naming the position', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'palisade-key-')), 'id');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
    const res = await asAdmin({ method: 'POST', url: '/api/v1/people', payload: developer('leaky', { sshPublicKeys: [readFileSync(file, 'utf8')] }) });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: 'sshPublicKeys.0', message: expect.stringMatching(/private key/) }]);
  });

  it('keeps kinds and roles consistent: externals are developers, members are not', async () => {
    const bad = await asAdmin({ method: 'POST', url: '/api/v1/people', payload: developer('ext-admin', { role: 'admin' }) });
    expect(bad.statusCode).toBe(400);
    const member = await asAdmin({ method: 'POST', url: '/api/v1/people', payload: { ...developer('mia'), kind: 'member' } });
    expect(member.json().role).toBe('approver');
  });

  it('lists with filters and walks every page with the cursor', async () => {
    for (let i = 0; i < 5; i++) await asAdmin({ method: 'POST', url: '/api/v1/people', payload: developer(`pager-${i}`) });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await asAdmin({ url: `/api/v1/people?q=pager-&limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      expect(res.statusCode).toBe(200);
      const page = res.json() as { items: { handle: string }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((p) => p.handle));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['pager-0', 'pager-1', 'pager-2', 'pager-3', 'pager-4']);
    const members = (await asAdmin({ url: '/api/v1/people?kind=member' })).json().items;
    expect(members.every((p: { kind: string }) => p.kind === 'member')).toBe(true);
    expect((await asAdmin({ url: '/api/v1/people?cursor=garbage' })).statusCode).toBe(400);
  });

  it('finds a person by handle or id and updates them with a recorded diff', async () => {
    const created = (await asAdmin({ method: 'POST', url: '/api/v1/people', payload: developer('lena') })).json();
    expect((await asAdmin({ url: '/api/v1/people/lena' })).json().id).toBe(created.id);
    const res = await asAdmin({ method: 'PATCH', url: `/api/v1/people/${created.id}`, payload: { timeZone: 'Europe/Berlin' } });
    expect(res.json().timeZone).toBe('Europe/Berlin');
    const [event] = await t.database.db.query<{ details: { changes: unknown } }>(
      "SELECT details FROM audit_events WHERE type = 'person.updated' AND target_id = $1", [created.id]);
    expect(event!.details.changes).toEqual({ timeZone: { from: 'Asia/Kolkata', to: 'Europe/Berlin' } });
    expect((await asAdmin({ method: 'PATCH', url: '/api/v1/people/lena', payload: { handle: 'renamed' } })).statusCode).toBe(400);
  });

  it('lets a developer read and update their own profile but nobody else\'s', async () => {
    const dev = await t.personWithRole('developer');
    const me = await t.call(dev.token, { url: '/api/v1/me' });
    expect(me.json().handle).toBe(dev.handle);
    const key = newSshKey();
    const upd = await t.call(dev.token, { method: 'PATCH', url: '/api/v1/me', payload: { sshPublicKeys: [key], timeZone: 'America/New_York' } });
    expect(upd.statusCode).toBe(200);
    expect(upd.json().sshPublicKeys).toHaveLength(1);
    expect((await t.call(dev.token, { method: 'PATCH', url: '/api/v1/me', payload: { role: 'admin' } })).statusCode).toBe(400);
    expect((await t.call(dev.token, { url: '/api/v1/people/admin' })).statusCode).toBe(403);
  });

  it('offboards a person for good: status offboarded, tokens dead, changes refused', async () => {
    const dev = await t.personWithRole('developer');
    expect((await t.call(dev.token, { url: '/api/v1/me' })).statusCode).toBe(200);
    const res = await asAdmin({ method: 'DELETE', url: `/api/v1/people/${dev.handle}` });
    expect(res.json().status).toBe('offboarded');
    expect((await t.call(dev.token, { url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await asAdmin({ method: 'PATCH', url: `/api/v1/people/${dev.handle}`, payload: { status: 'active' } })).statusCode).toBe(409);
    const [ev] = await t.database.db.query<{ details: { revokedTokenIds: string[] } }>(
      "SELECT details FROM audit_events WHERE type = 'person.offboarded' AND target_id = $1", [dev.id]);
    expect(ev!.details.revokedTokenIds).toHaveLength(1);
  });

  it('never lets the last active admin be demoted, suspended or offboarded', async () => {
    expect((await asAdmin({ method: 'PATCH', url: '/api/v1/people/admin', payload: { role: 'auditor' } })).statusCode).toBe(409);
    expect((await asAdmin({ method: 'PATCH', url: '/api/v1/people/admin', payload: { status: 'suspended' } })).statusCode).toBe(409);
    const other = await t.personWithRole('admin');
    expect((await t.call(other.token, { method: 'DELETE', url: '/api/v1/people/admin' })).statusCode).toBe(200);
    expect((await asAdmin({ url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await t.call(other.token, { method: 'PATCH', url: `/api/v1/people/${other.handle}`, payload: { role: 'auditor' } })).statusCode).toBe(409);
  });
});
