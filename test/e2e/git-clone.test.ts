/**
 * The git gateway with the real `git` client: clones (protocol v2 and v0, shallow, partial), fetches and pushes
 * through Palisade to a hosted repository, each one a single audit event naming the developer and the bytes.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitFixture, type GitFixture } from './git-fixture.ts';

let f: GitFixture;
beforeAll(async () => {
  f = await createGitFixture();
}, 60_000);
afterAll(() => f?.close());

describe('the git gateway, hosted repository', () => {
  it('clones with protocol v2 and records one git.clone event with the developer, address and bytes', async () => {
    const r = await f.git(['-c', 'protocol.version=2', 'clone', '-q', f.url('shop/web'), 'v2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await readFile(join(f.work, 'v2', 'app.js'), 'utf8')).toContain('shop');
    const [clone] = await f.events('git.clone');
    expect(clone).toMatchObject({ outcome: 'success', actor_handle: 'dev-bo' });
    expect(clone!.details).toMatchObject({ repository: 'shop/web', protocol: 'v2', haves: 0, sourceIp: '127.0.0.1', status: 200 });
    expect(clone!.details.bytesOut).toBeGreaterThan(200);
    expect(clone!.details.userAgent).toMatch(/^git\//);
    expect(clone!.details.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('clones with protocol v0', async () => {
    const r = await f.git(['-c', 'protocol.version=0', 'clone', '-q', f.url('shop/web'), 'v0']);
    expect(r.code, r.stderr).toBe(0);
    const clones = await f.events('git.clone');
    expect(clones.at(-1)!.details).toMatchObject({ protocol: 'v0', haves: 0 });
  });

  it('makes a shallow clone and a partial clone (--filter=blob:none)', async () => {
    expect((await f.git(['clone', '-q', '--depth', '1', f.url('shop/web'), 'shallow'])).code).toBe(0);
    expect((await f.git(['rev-list', '--count', 'HEAD'], join(f.work, 'shallow'))).stdout.trim()).toBe('1');
    expect((await f.events('git.clone')).at(-1)!.details).toMatchObject({ shallow: true });

    const partial = await f.git(['clone', '-q', '--filter=blob:none', f.url('shop/web'), 'partial']);
    expect(partial.code, partial.stderr).toBe(0);
    expect((await f.git(['config', 'remote.origin.promisor'], join(f.work, 'partial'))).stdout.trim()).toBe('true');
    expect(await readFile(join(f.work, 'partial', 'README.md'), 'utf8')).toBe('# shop\n');
    expect((await f.events('git.clone')).some((e) => e.details.filter === 'blob:none')).toBe(true);
  });

  it('fetches new commits as git.fetch (the client names what it has)', async () => {
    const seed = join(f.work, 'seed');
    await writeFile(join(seed, 'third.txt'), 'three\n');
    await f.git(['add', '.'], seed);
    await f.git(['commit', '-q', '-m', 'third'], seed);
    await f.git(['push', '-q', f.repoDir, 'main'], seed);
    const r = await f.git(['fetch', '-q', 'origin'], join(f.work, 'v2'));
    expect(r.code, r.stderr).toBe(0);
    expect((await f.git(['log', '--format=%s', '-1', 'origin/main'], join(f.work, 'v2'))).stdout.trim()).toBe('third');
    const [fetch] = await f.events('git.fetch');
    expect(fetch!.details.haves).toBeGreaterThan(0);
  });

  it('pushes a new branch and a tag, recording each ref with its old and new object id', async () => {
    await f.api('PUT', `/api/v1/resources/${encodeURIComponent('shop/web')}/git-rules`, { protectedRefs: ['refs/heads/main'], contribPattern: null });
    const clone = join(f.work, 'v2');
    await f.git(['checkout', '-q', '-b', 'feature/login'], clone);
    await writeFile(join(clone, 'login.js'), 'export const login = () => true;\n');
    await f.git(['add', '.'], clone);
    await f.git(['commit', '-q', '-m', 'login'], clone);
    await f.git(['tag', 'v0.1'], clone);
    const r = await f.git(['push', '-q', 'origin', 'feature/login', 'v0.1'], clone);
    expect(r.code, r.stderr).toBe(0);
    const head = (await f.git(['rev-parse', 'HEAD'], clone)).stdout.trim();
    expect((await f.git(['rev-parse', 'refs/heads/feature/login'], f.repoDir)).stdout.trim()).toBe(head);
    const pushes = await f.events('git.push');
    const push = pushes.at(-1)!;
    expect(push.outcome).toBe('success');
    expect(push.details.refs).toEqual(expect.arrayContaining([
      expect.objectContaining({ ref: 'refs/heads/feature/login', oldOid: '0'.repeat(40), newOid: head, kind: 'create' }),
      expect.objectContaining({ ref: 'refs/tags/v0.1', kind: 'create' }),
    ]));
    expect(push.details.bytesIn).toBeGreaterThan(100);
  });

  it('pushes a branch larger than git\'s post buffer (probe request, then a chunked body): one git.push event', async () => {
    const clone = join(f.work, 'v2');
    await f.git(['checkout', '-q', '-b', 'feature/big', 'origin/main'], clone);
    await writeFile(join(clone, 'big.bin'), randomBytes(3 * 1024 * 1024));
    await f.git(['add', '.'], clone);
    await f.git(['commit', '-q', '-m', 'big'], clone);
    const before = (await f.events('git.push')).length;
    const r = await f.git(['push', '-q', 'origin', 'feature/big'], clone);
    expect(r.code, r.stderr).toBe(0);
    const pushes = await f.events('git.push');
    expect(pushes.length - before).toBe(1);
    expect(pushes.at(-1)!.details.bytesIn).toBeGreaterThan(3 * 1024 * 1024);
    expect((await f.git(['rev-parse', 'refs/heads/feature/big'], f.repoDir)).stdout.trim()).toBe((await f.git(['rev-parse', 'HEAD'], clone)).stdout.trim());
  });

  it('refuses a force-push and a deletion of the protected main, and a push that adds a secret, per ref in git\'s output', async () => {
    const clone = join(f.work, 'v2');
    await f.git(['checkout', '-q', 'main'], clone);
    await f.git(['pull', '-q', 'origin', 'main'], clone);
    await f.git(['reset', '-q', '--hard', 'HEAD~1'], clone);
    await writeFile(join(clone, 'rewrite.txt'), 'history rewritten\n');
    await f.git(['add', '.'], clone);
    await f.git(['commit', '-q', '-m', 'rewrite'], clone);
    const before = (await f.git(['rev-parse', 'refs/heads/main'], f.repoDir)).stdout.trim();
    const force = await f.git(['push', '--force', 'origin', 'main'], clone);
    expect(force.code).not.toBe(0);
    expect(force.stderr).toMatch(/\[remote rejected\] main -> main|! \[remote rejected\]/);
    const del = await f.git(['push', 'origin', ':main'], clone);
    expect(del.code).not.toBe(0);
    expect(del.stderr).toMatch(/remote rejected/);
    expect((await f.git(['rev-parse', 'refs/heads/main'], f.repoDir)).stdout.trim()).toBe(before);

    await f.git(['checkout', '-q', '-b', 'feature/config', 'origin/main'], clone);
    const key = 'AKIA' + 'QWERTYUIOPASDFGH';
    await writeFile(join(clone, 'config.env'), `AWS_ACCESS_KEY_ID=${key}\nAWS_SECRET_ACCESS_KEY=${'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY'}\n`);
    await f.git(['add', '.'], clone);
    await f.git(['commit', '-q', '-m', 'config'], clone);
    const secret = await f.git(['push', 'origin', 'feature/config'], clone);
    expect(secret.code).not.toBe(0);
    expect(secret.stderr).toMatch(/remote: .*config\.env/);
    expect(secret.stderr).not.toContain(key);
    expect((await f.git(['rev-parse', '--verify', '-q', 'refs/heads/feature/config'], f.repoDir)).code).not.toBe(0);
    const denied = (await f.events('git.push')).filter((e) => e.outcome === 'denied');
    expect(denied.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(denied)).not.toContain(key);
    expect(denied.at(-1)!.details.reason).toMatch(/feature\/config/);
  });
});
