/** @module git-gateway/git-repository-service.test — hosting and proxying git_repository resources, and what resolves. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';

let t: TestApp;
let ownerId: string;
beforeAll(async () => {
  t = await createTestApp();
  ownerId = (await t.personWithRole('approver', 'owner-ann')).id;
});
afterAll(() => t?.close());

const resource = async (name: string, kind = 'git_repository') =>
  (await t.call(t.adminToken, { method: 'POST', url: '/api/v1/resources', payload: { name, kind, environment: 'staging', sensitivity: 'internal', ownerId } })).json();
const configure = (ref: string, payload: object) => t.call(t.adminToken, { method: 'PUT', url: `/api/v1/git/repositories/${encodeURIComponent(ref)}`, payload });

describe('git repositories', () => {
  it('hosts a repository as an empty bare repository with partial clone enabled, and resolves it by exact name only', async () => {
    const r = await resource('team/app');
    const res = await configure('team/app', { mode: 'hosted' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ mode: 'hosted', path: '/git/team/app.git', hasUpstreamSecret: false });
    const dir = join(t.dataDir, 'repos', 'team', 'app.git');
    expect(execFileSync('git', ['-C', dir, 'config', 'uploadpack.allowFilter']).toString().trim()).toBe('true');
    expect(await t.services.gitRepositories.resolve('team/app')).toMatchObject({ mode: 'hosted', resource: { id: r.id } });
    expect(await t.services.gitRepositories.resolve(r.id)).toBeNull();
    expect(await t.services.gitRepositories.resolve('team/none')).toBeNull();
  });

  it('refuses other kinds, retired resources and bad upstream URLs; an unhosted resource resolves to nothing', async () => {
    await resource('team/box', 'ssh_host');
    expect((await configure('team/box', { mode: 'hosted' })).statusCode).toBe(409);
    await resource('team/old');
    expect(await t.services.gitRepositories.resolve('team/old')).toBeNull();
    await t.call(t.adminToken, { method: 'DELETE', url: `/api/v1/resources/${encodeURIComponent('team/old')}` });
    expect((await configure('team/old', { mode: 'hosted' })).statusCode).toBe(409);
    for (const url of ['ftp://x/y.git', 'https://user:pw@host/y.git', 'https://host/y.git?x=1', 'not a url']) {
      expect((await configure('team/app', { mode: 'upstream', url, username: 'bot', secret: 's' })).statusCode, url).toBe(400);
    }
  });

  it('seals the upstream secret, records the change without it, and resolves to the upstream with the credential', async () => {
    const res = await configure('team/app', { mode: 'upstream', url: 'https://git.example/team/app.git/', username: 'bot', secret: 'tok-123' });
    expect(res.json()).toMatchObject({ mode: 'upstream', upstreamUrl: 'https://git.example/team/app.git', hasUpstreamSecret: true });
    expect(res.body).not.toContain('tok-123');
    const target = await t.services.gitRepositories.resolve('team/app');
    expect(target).toMatchObject({ mode: 'upstream', url: 'https://git.example/team/app.git', authorization: 'Basic ' + Buffer.from('bot:tok-123').toString('base64') });
    const events = await t.services.db.query<{ details: unknown }>("SELECT details FROM audit_events WHERE type = 'git_repository.configured'");
    expect(events.length).toBe(2);
    expect(JSON.stringify(events)).not.toContain('tok-123');
    const auditor = await t.personWithRole('auditor');
    const seen = await t.call(auditor.token, { method: 'GET', url: `/api/v1/git/repositories/${encodeURIComponent('team/app')}` });
    expect(seen.statusCode).toBe(200);
    expect(seen.body).not.toContain('tok-123');
  });
});
