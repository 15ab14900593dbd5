/** @module cli/push-rules.test — `palisade push-rules` against a running server: show, set, allow, allowed, unallow. */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { runPushRulesCommand } from './push-rules.ts';

let t: TestApp;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runPushRulesCommand(argv, { stdout, stderr, stdin: new PassThrough() });
  return { code, out, err };
}

beforeAll(async () => {
  t = await createTestApp();
  const owner = await t.personWithRole('approver');
  await t.call(t.adminToken, {
    method: 'POST', url: '/api/v1/resources',
    payload: { name: 'web/app', kind: 'git_repository', environment: 'staging', sensitivity: 'internal', ownerId: owner.id },
  });
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  process.env.PALISADE_URL = address;
  process.env.PALISADE_TOKEN = t.adminToken;
});
afterAll(() => t.close());

describe('palisade push-rules', () => {
  it('shows the defaults, sets a contribution pattern keeping the protected refs, and restores the defaults', async () => {
    expect((await cli('show', 'web/app')).out).toMatch(/protected refs:\s+refs\/heads\/main, refs\/heads\/master, refs\/tags\/\*/);
    const set = await cli('set', 'web/app', '--contrib', 'refs/heads/contrib/<handle>/*', '--json');
    expect(set.code, set.err).toBe(0);
    expect(JSON.parse(set.out)).toMatchObject({ protectedRefs: ['refs/heads/main', 'refs/heads/master', 'refs/tags/*'], contribPattern: 'refs/heads/contrib/<handle>/*', isDefault: false });
    expect(JSON.parse((await cli('set', 'web/app', '--protect', 'none', '--json')).out).protectedRefs).toEqual([]);
    expect(JSON.parse((await cli('set', 'web/app', '--defaults', '--json')).out)).toMatchObject({ protectedRefs: ['refs/heads/main', 'refs/heads/master', 'refs/tags/*'], contribPattern: null });
  });

  it('reports a bad pattern from the server and a missing flag as a usage error', async () => {
    const bad = await cli('set', 'web/app', '--contrib', 'refs/heads/contrib/*');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/contribPattern: must contain <handle>/);
    expect((await cli('set', 'web/app')).code).toBe(2);
    expect((await cli('allow', '--reason', 'x y z')).code).toBe(2);
  });

  it('adds, lists and removes allow-list entries', async () => {
    const added = await cli('allow', '--repo', 'web/app', '--path', 'test/fixtures/**', '--reason', 'fake keys in fixtures', '--json');
    expect(added.code, added.err).toBe(0);
    const id = JSON.parse(added.out).id as string;
    expect((await cli('allowed', '--repo', 'web/app')).out).toContain('test/fixtures/**');
    expect(JSON.parse((await cli('unallow', id, '--json')).out).status).toBe('removed');
    expect((await cli('allowed', '--json')).out.trim()).toBe('[]');
  });
});
