/**
 * Upstream proxy mode: the repository lives on another git server that demands a credential only Palisade
 * holds (sealed). Developers clone and push through the gateway with their own git token; the upstream sees
 * Palisade's credential, the developer never does; pushes are inspected against a local mirror.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRepoCommand } from '../../src/cli/repos.ts';
import { createGitFixture, type GitFixture } from './git-fixture.ts';
import { startPlainGitServer, type PlainGitServer } from './git-http-server.ts';

let f: GitFixture;
let upstream: PlainGitServer;
let upstreamRepo: string;
const SECRET = 'upstream-s3cret-token';

beforeAll(async () => {
  f = await createGitFixture();
  const root = join(f.work, 'upstream');
  await mkdir(root, { recursive: true });
  upstreamRepo = join(root, 'acme', 'api.git');
  await f.git(['clone', '-q', '--bare', f.repoDir, upstreamRepo]);
  upstream = await startPlainGitServer(root, { user: 'palisade-bot', password: SECRET });
  const r = await f.repository('acme/api', false);
  await f.grant(f.dev.id, r.id, 'write');
  await f.api('PUT', `/api/v1/resources/${encodeURIComponent('acme/api')}/git-rules`, { protectedRefs: ['refs/heads/main'], contribPattern: null });
}, 60_000);
afterAll(async () => {
  await upstream?.close();
  await f?.close();
});

describe('the git gateway, upstream proxy mode', () => {
  it('stores the upstream credential sealed and never shows it', async () => {
    const configured = await f.api('PUT', `/api/v1/git/repositories/${encodeURIComponent('acme/api')}`, {
      mode: 'upstream', url: `${upstream.base}/acme/api.git`, username: 'palisade-bot', secret: SECRET,
    });
    expect(configured).toMatchObject({ mode: 'upstream', upstreamUrl: `${upstream.base}/acme/api.git`, upstreamUsername: 'palisade-bot', hasUpstreamSecret: true });
    expect(JSON.stringify(configured)).not.toContain(SECRET);
    const [row] = await f.t.services.db.query<{ upstream_secret: Uint8Array }>("SELECT upstream_secret FROM git_repositories WHERE mode = 'upstream'");
    expect(Buffer.from(row!.upstream_secret).toString('latin1')).not.toContain(SECRET);
    const events = await f.t.services.db.query<{ details: unknown }>("SELECT details FROM audit_events WHERE type = 'git_repository.configured'");
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });

  it('clones through the gateway with the developer\'s token; the upstream sees only Palisade\'s credential', async () => {
    const r = await f.git(['clone', '-q', f.url('acme/api'), 'proxied']);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(f.work, 'proxied', 'app.js'), 'utf8')).toContain('shop');
    expect(upstream.seen.length).toBeGreaterThan(0);
    expect(upstream.seen.every((s) => s.authorized)).toBe(true);
    const clone = (await f.events('git.clone')).at(-1)!;
    expect(clone.details).toMatchObject({ repository: 'acme/api', mode: 'upstream', haves: 0 });
  });

  it('pushes a new branch to the upstream after inspecting it against the mirror, and refuses a push to main', async () => {
    const dir = join(f.work, 'proxied');
    await f.git(['checkout', '-q', '-b', 'feature/proxy'], dir);
    await writeFile(join(dir, 'proxy.txt'), 'through palisade\n');
    await f.git(['add', '.'], dir);
    await f.git(['commit', '-q', '-m', 'proxy'], dir);
    const ok = await f.git(['push', '-q', 'origin', 'feature/proxy'], dir);
    expect(ok.code, ok.stderr).toBe(0);
    const head = (await f.git(['rev-parse', 'HEAD'], dir)).stdout.trim();
    expect((await f.git(['rev-parse', 'refs/heads/feature/proxy'], upstreamRepo)).stdout.trim()).toBe(head);
    expect((await f.git(['rev-parse', '--verify', 'refs/heads/main'], join(f.t.dataDir, 'mirrors', 'acme', 'api.git'))).code).toBe(0);
    const push = (await f.events('git.push')).at(-1)!;
    expect(push).toMatchObject({ outcome: 'success' });
    expect(push.details.refs).toEqual([expect.objectContaining({ ref: 'refs/heads/feature/proxy', newOid: head, kind: 'create' })]);

    const refused = await f.git(['push', 'origin', 'HEAD:main'], dir);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/refs\/heads\/main|main/);
    expect(refused.stderr).toMatch(/rejected|protected/);
    expect((await f.git(['rev-parse', 'refs/heads/main'], upstreamRepo)).stdout.trim()).not.toBe(head);
    expect((await f.events('git.push')).at(-1)).toMatchObject({ outcome: 'denied' });
  });

  it('answers 502 without passing the upstream\'s challenge on when the upstream refuses the credential', async () => {
    await f.api('PUT', `/api/v1/git/repositories/${encodeURIComponent('acme/api')}`, {
      mode: 'upstream', url: `${upstream.base}/acme/api.git`, username: 'palisade-bot', secret: 'wrong',
    });
    const r = await f.git(['ls-remote', f.url('acme/api')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/502/);
    expect(r.stderr).not.toMatch(/upstream"/);
  });

  it('is configured from the command line too: palisade repo upstream (secret on stdin), repo show, repo token', async () => {
    process.env.PALISADE_URL = f.base;
    process.env.PALISADE_TOKEN = f.t.adminToken;
    const run = async (argv: string[], stdin = '') => {
      let out = '';
      let err = '';
      const io = {
        stdout: new Writable({ write: (c, _e, cb) => void ((out += String(c)), cb()) }),
        stderr: new Writable({ write: (c, _e, cb) => void ((err += String(c)), cb()) }),
        stdin: Readable.from([Buffer.from(stdin)]),
      };
      const code = await runRepoCommand(argv, io);
      return { code, out, err };
    };
    const set = await run(['upstream', 'acme/api', '--upstream-url', `${upstream.base}/acme/api.git`, '--username', 'palisade-bot', '--json'], `${SECRET}\n`);
    expect(set.code, set.err).toBe(0);
    expect(JSON.parse(set.out)).toMatchObject({ mode: 'upstream', hasUpstreamSecret: true });
    expect((await f.git(['ls-remote', f.url('acme/api')])).code).toBe(0);
    const shown = await run(['show', 'acme/api']);
    expect(shown.out).toMatch(/upstream secret:\s+set \(sealed\)/);
    expect(shown.out).not.toContain(SECRET);
    const token = await run(['token', '--person', f.dev.handle]);
    expect(token.code, token.err).toBe(0);
    expect(token.out.trim()).toMatch(/^pal_[0-9A-Za-z]{49}$/);
    expect(token.err).toMatch(/expires/);
    expect((await f.git(['ls-remote', f.url('acme/api', { handle: f.dev.handle, gitToken: token.out.trim() })])).code).toBe(0);
  });
});
