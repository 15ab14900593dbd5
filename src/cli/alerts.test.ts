import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import type { Actor } from '../modules/auth/actor.ts';
import { main } from './main.ts';

// The alert commands against a listening server (in process), as an admin would type them.
let t: TestApp;
let url: string;
let alertId: string;

beforeAll(async () => {
  t = await createTestApp(new Date('2026-03-02T10:00:00Z'));
  url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const dev = await t.personWithRole('developer', 'noor');
  t.clock.set(new Date('2026-03-02T23:00:00Z')); // 23:00 UTC: outside noor's 09:00-17:00
  const actor: Actor = { kind: 'person', personId: dev.id, handle: 'noor', role: 'developer', tokenId: '', scopes: [], ip: '198.51.100.9', userAgent: null, requestId: null };
  await t.services.db.transaction((tx) => t.services.audit.record(tx, actor, { type: 'git.clone', outcome: 'success' }));
  await t.services.auditSequencer.runOnce();
  alertId = (await t.services.detection.runOnce()).raised[0]!;
});
afterAll(() => t.close());

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const previous = process.env.PALISADE_TOKEN;
  process.env.PALISADE_TOKEN = t.adminToken;
  try {
    const code = await main([...argv, '--url', url], { stdout, stderr, stdin: new PassThrough() });
    return { code, out, err };
  } finally {
    process.env.PALISADE_TOKEN = previous;
  }
}

describe('palisade alert', () => {
  it('lists open alerts and shows one with its events and log positions', async () => {
    const list = await run('alert', 'list', '--status', 'open', '--severity', 'high');
    expect(list.code).toBe(0);
    expect(list.out).toContain(alertId);
    expect(list.out).toContain('noor');
    const show = await run('alert', 'show', alertId);
    expect(show.out).toMatch(/palisade-off-hours-access/);
    expect(show.out).toMatch(/git\.clone/);
  });

  it('acknowledges, assigns and resolves', async () => {
    expect((await run('alert', 'ack', alertId, '--comment', 'on it')).out).toMatch(/acknowledged/);
    const me = (await t.call(t.adminToken, { method: 'GET', url: '/api/v1/me' })).json() as { handle: string };
    expect((await run('alert', 'assign', alertId, me.handle)).out).toContain(me.handle);
    const resolved = await run('alert', 'resolve', alertId, '--resolution', 'agreed overtime', '--json');
    expect(JSON.parse(resolved.out)).toMatchObject({ status: 'resolved', resolution: 'agreed overtime' });
    expect((await run('alert', 'resolve', alertId)).code).toBe(2); // --resolution is required
  });

  it('adds a webhook channel with the secret from an environment variable, lists and removes it', async () => {
    process.env.H4_TEST_SECRET = 'a-secret-from-the-environment-123';
    const added = await run('alert', 'channel-add', '--name', 'soc', '--kind', 'webhook', '--url', 'https://soc.example/hook', '--secret-env', 'H4_TEST_SECRET', '--min-severity', 'high');
    expect(added.code).toBe(0);
    expect(added.out).not.toContain('a-secret-from-the-environment-123');
    expect((await run('alert', 'channels')).out).toMatch(/soc.*webhook.*high/);
    expect((await run('alert', 'channel-remove', 'soc')).out).toMatch(/removed/);
    expect((await run('alert', 'channel-add', '--name', 'x', '--kind', 'pager')).code).toBe(2);
  });
});
