/**
 * Who gets through the git gateway: tokens (git scope only, capped at the grant), read vs write grants, 404 for
 * repositories one may not read, grant expiry, failed authentications (events, rate limit) and malformed input.
 */
import { request } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePktLine, FLUSH_PKT } from '../../src/modules/git-gateway/protocol/pkt-line.ts';
import { createGitFixture, gitTokenFor, type GitFixture } from './git-fixture.ts';

let f: GitFixture;
let reader: { id: string; handle: string; gitToken: string; apiToken: string };
beforeAll(async () => {
  f = await createGitFixture();
  const r = await f.developer('dev-cy');
  const web = await f.api('GET', `/api/v1/resources/${encodeURIComponent('shop/web')}`);
  await f.grant(r.id, web.id, 'read', 2);
  reader = { ...r, gitToken: await gitTokenFor(f, r.id) };
}, 60_000);
afterAll(() => f?.close());

const basic = (handle: string, token: string) => 'Basic ' + Buffer.from(`${handle}:${token}`).toString('base64');

/** A raw HTTP request (the path is sent exactly as given, no normalisation). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(f.base);
  return new Promise((done, fail) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

describe('git gateway access', () => {
  it('issues git tokens that expire with the latest grant, and refuses one without any grant', async () => {
    const tokens = await f.api('GET', `/api/v1/tokens?personId=${reader.id}`);
    const git = tokens.items.find((t: { scopes: string[] }) => t.scopes.includes('git'));
    const cap = f.t.clock.now().getTime() + 2 * 3_600_000;
    expect(new Date(git.expiresAt).getTime()).toBeLessThanOrEqual(cap);
    expect(new Date(git.expiresAt).getTime()).toBeGreaterThan(cap - 120_000);
    const nobody = await f.developer('dev-no-grant');
    const res = await f.t.call(f.t.adminToken, { method: 'POST', url: '/api/v1/tokens', payload: { name: 'g', personId: nobody.id, scopes: ['git'] } });
    expect(res.statusCode).toBe(409);
  });

  it('keeps git tokens out of the API and API tokens out of the gateway', async () => {
    const api = await f.t.call(f.dev.gitToken, { method: 'GET', url: '/api/v1/me' });
    expect(api.statusCode).toBe(401);
    const git = await raw('GET', '/git/shop/web.git/info/refs?service=git-upload-pack', { authorization: basic(f.dev.handle, f.dev.apiToken) });
    expect(git.status).toBe(401);
    expect(git.headers['www-authenticate']).toBe('Basic realm="Palisade", charset="UTF-8"');
    const failed = await f.events('auth.failed');
    expect(failed.map((e) => e.details.reason)).toEqual(expect.arrayContaining(['token has no api scope', 'the token has no git scope']));
  });

  it('challenges a request without credentials with 401 Basic realm="Palisade", recording nothing', async () => {
    const before = (await f.events('auth.failed')).length;
    const res = await raw('GET', '/git/shop/web.git/info/refs?service=git-upload-pack');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="Palisade"/);
    expect((await f.events('auth.failed')).length).toBe(before);
  });

  it('lets a reader clone but not push (403, a denied git.push event)', async () => {
    const clone = await f.git(['clone', '-q', f.url('shop/web', reader), 'reader']);
    expect(clone.code, clone.stderr).toBe(0);
    const dir = join(f.work, 'reader');
    await writeFile(join(dir, 'x.txt'), 'x\n');
    await f.git(['add', '.'], dir);
    await f.git(['commit', '-q', '-m', 'x'], dir);
    const push = await f.git(['push', 'origin', 'HEAD:refs/heads/reader-branch'], dir);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/403/);
    const denied = (await f.events('git.ls-refs')).filter((e) => e.outcome === 'denied');
    expect(denied.at(-1)!.details).toMatchObject({ service: 'git-receive-pack', status: 403, repository: 'shop/web' });
    expect(denied.at(-1)!.details.reason).toMatch(/write/);
    const post = await raw('POST', '/git/shop/web.git/git-receive-pack', { authorization: basic(reader.handle, reader.gitToken), 'content-type': 'application/x-git-receive-pack-request' }, FLUSH_PKT);
    expect(post.status).toBe(403);
    expect((await f.events('git.push')).at(-1)).toMatchObject({ outcome: 'denied', actor_handle: 'dev-cy' });
  });

  it('answers 404 alike for a repository that does not exist and one the developer may not read', async () => {
    await f.repository('shop/secret');
    const auth = { authorization: basic(f.dev.handle, f.dev.gitToken) };
    const missing = await raw('GET', '/git/shop/nothing.git/info/refs?service=git-upload-pack', auth);
    const hidden = await raw('GET', '/git/shop/secret.git/info/refs?service=git-upload-pack', auth);
    expect(missing.status).toBe(404);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toBe(missing.body);
    const clone = await f.git(['clone', '-q', f.url('shop/secret'), 'secret']);
    expect(clone.code).not.toBe(0);
    const denials = (await f.events('git.ls-refs')).filter((e) => e.outcome === 'denied').map((e) => e.details.repository);
    expect(denials).toEqual(expect.arrayContaining(['shop/nothing', 'shop/secret']));
  });

  it('refuses paths with .., absolute names, percent-encoding and the dumb protocol without touching the disk', async () => {
    const auth = { authorization: basic(f.dev.handle, f.dev.gitToken) };
    const cases: [string, string, number][] = [
      ['GET', '/git/../repos/shop/web.git/info/refs?service=git-upload-pack', 404],
      ['GET', '/git/shop/../shop/web.git/info/refs?service=git-upload-pack', 404],
      ['GET', '/git//etc/passwd.git/info/refs?service=git-upload-pack', 404],
      ['GET', '/git/shop%2fweb.git/info/refs?service=git-upload-pack', 400],
      ['GET', '/git/%2e%2e/shop/web.git/info/refs?service=git-upload-pack', 400],
      ['GET', '/git/shop/web%00.git/info/refs?service=git-upload-pack', 400],
      ['GET', '/git/shop/web.git/info/refs', 400],
      ['GET', '/git/shop/web.git/HEAD', 404],
      ['GET', '/git/shop/web.git/objects/info/packs', 404],
      ['GET', '/git/shop/web.git/git-upload-pack', 405],
    ];
    for (const [method, path, status] of cases) {
      const res = await raw(method, path, auth);
      expect(res.status, path).toBe(status);
    }
  });

  it('answers broken pkt-lines, unknown encodings and oversized bodies with a clean 4xx, and keeps serving', async () => {
    const headers = { authorization: basic(f.dev.handle, f.dev.gitToken), 'content-type': 'application/x-git-upload-pack-request' };
    const url = '/git/shop/web.git/git-upload-pack';
    expect((await raw('POST', url, headers, Buffer.from('zzzzwant'))).status).toBe(400);
    expect((await raw('POST', url, headers, Buffer.from('0032want 0123'))).status).toBe(400);
    expect((await raw('POST', url, headers, Buffer.from('0003'))).status).toBe(400);
    expect((await raw('POST', url, { ...headers, 'content-encoding': 'br' }, FLUSH_PKT)).status).toBe(415);
    expect((await raw('POST', url, { ...headers, 'content-encoding': 'gzip' }, Buffer.from('not gzip'))).status).toBe(400);
    const big = Buffer.concat(Array.from({ length: 9 * 1024 }, () => encodePktLine(Buffer.alloc(1000, 0x61))));
    expect((await raw('POST', url, headers, big)).status).toBe(413);
    const push = await raw('POST', '/git/shop/web.git/git-receive-pack', { ...headers, 'content-type': 'application/x-git-receive-pack-request' }, Buffer.from('00a0garbage'));
    expect(push.status).toBe(400);
    // A gzipped, well-formed v2 ls-refs request is understood.
    const lsRefs = Buffer.concat([encodePktLine('command=ls-refs\n'), FLUSH_PKT]);
    const ok = await raw('POST', url, { ...headers, 'git-protocol': 'version=2', 'content-encoding': 'gzip' }, gzipSync(lsRefs));
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('refs/heads/main');
    const failures = (await f.events('git.upload-pack')).concat(await f.events('git.clone')).filter((e) => e.outcome === 'failure');
    expect(failures.length).toBeGreaterThanOrEqual(4);
  });

  it('refuses a clone once the grant has expired', async () => {
    const before = f.t.clock.now();
    f.t.clock.set(new Date(before.getTime() + 3 * 3_600_000)); // the reader's 2-hour grant is over; the token too
    const reader2 = await f.git(['clone', '-q', f.url('shop/web', reader), 'reader-late']);
    expect(reader2.code).not.toBe(0);
    // A token that outlives the 8-hour grant on shop/web (capped by a 24-hour grant elsewhere) still
    // authenticates after 9 hours; the authorizer refuses the expired grant.
    f.t.clock.set(before);
    const other = await f.repository('shop/other', false);
    await f.grant(f.dev.id, other.id, 'read', 24);
    const longToken = await gitTokenFor(f, f.dev.id);
    f.t.clock.set(new Date(before.getTime() + 9 * 3_600_000));
    const late = await f.git(['clone', '-q', f.url('shop/web', { handle: f.dev.handle, gitToken: longToken }), 'late']);
    expect(late.code).not.toBe(0);
    expect(late.stderr).toMatch(/not found|404/);
    expect((await f.events('git.ls-refs')).at(-1)).toMatchObject({ outcome: 'denied', actor_handle: 'dev-bo' });
    f.t.clock.set(before);
  });

  it('rate-limits failed authentications per address and per handle (429), recording every one', async () => {
    const before = (await f.events('auth.failed')).length;
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      statuses.push((await raw('GET', '/git/shop/web.git/info/refs?service=git-upload-pack', { authorization: basic('dev-bo', 'pal_wrong') })).status);
    }
    expect(statuses).toContain(401);
    expect(statuses.at(-1)).toBe(429);
    const after = await f.events('auth.failed');
    expect(after.length - before).toBe(14);
    expect(after.at(-1)!.details).toMatchObject({ reason: 'rate limited', method: 'git-basic', handle: 'dev-bo' });
  });
});
