/**
 * @module test/e2e/git-fixture — a listening Palisade (createTestApp) with a ready external developer, a hosted
 * repository with history, grants, git tokens, and a `git` runner isolated from the machine's configuration.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '../../src/core/ids.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { day, vetAndTrain } from '../helpers/vetting.ts';

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitFixture {
  t: TestApp;
  /** `http://127.0.0.1:<port>` */
  base: string;
  work: string;
  /** The hosted repository's folder. */
  repoDir: string;
  dev: { id: string; handle: string; gitToken: string; apiToken: string };
  engagementId: string;
  ownerId: string;
  /** `http://<handle>:<token>@host/git/<name>.git` */
  url(name: string, who?: { handle: string; gitToken: string }): string;
  git(args: string[], cwd?: string): Promise<GitRun>;
  api(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, status?: number): Promise<any>;
  grant(personId: string, resourceId: string, permission: 'read' | 'write', hours?: number): Promise<string>;
  /** A git_repository resource (hosted through the admin API when `hosted`). */
  repository(name: string, hosted?: boolean): Promise<{ id: string }>;
  /** A further ready external developer on the engagement, with a git token (and optionally no grant at all). */
  developer(handle: string): Promise<{ id: string; handle: string; gitToken: string; apiToken: string }>;
  /** The audit events of a type, oldest first (after the gateway's pending writes). */
  events(type: string): Promise<{ outcome: string; actor_handle: string | null; details: any }[]>;
  close(): Promise<void>;
}

export async function createGitFixture(): Promise<GitFixture> {
  const t = await createTestApp(new Date());
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const work = await mkdtemp(join(tmpdir(), 'palisade-git-e2e-'));
  const home = join(work, 'home');
  await writeFile(join(work, '.keep'), '');
  const env = {
    PATH: process.env.PATH!, HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '/bin/false',
    GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.test', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.test',
    GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'init.defaultBranch', GIT_CONFIG_VALUE_0: 'main',
  };
  const git: GitFixture['git'] = (args, cwd = work) =>
    new Promise((done) => {
      execFile('git', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
        done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }));
    });
  const api: GitFixture['api'] = async (method, url, payload, status = 200) => {
    const res = await t.call(t.adminToken, { method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    if (res.statusCode !== status) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const person = (handle: string, kind: 'member' | 'external') =>
    api('POST', '/api/v1/people', { handle, name: handle, email: `${handle}@example.test`, kind, timeZone: 'UTC' }, 201);
  const owner = await person('olivia', 'member');
  const e = await api('POST', '/api/v1/engagements', { name: 'Shop', vendorId: null, startDate: day(-10), endDate: day(60), touchesPersonalData: false }, 201);
  for (const term of ['nda', 'ip-ownership']) await api('PUT', `/api/v1/engagements/${e.id}/contract/${term}`, { sha256: 'a'.repeat(64), signer: 'Dana', signedAt: day(-10) });
  await api('POST', `/api/v1/engagements/${e.id}/activate`);

  const tokenFor = async (personId: string, scopes: string[]) =>
    (await api('POST', '/api/v1/tokens', { name: `t-${scopes.join('-')}`, personId, scopes }, 201)).token as string;

  const developer: GitFixture['developer'] = async (handle) => {
    const dev = await person(handle, 'external');
    await api('POST', `/api/v1/engagements/${e.id}/developers`, { personId: dev.id, duty: 'backend' });
    await vetAndTrain(api, dev.id);
    return { id: dev.id, handle, gitToken: '', apiToken: await tokenFor(dev.id, ['api']) };
  };

  const grant: GitFixture['grant'] = async (personId, resourceId, permission, hours = 8) => {
    const id = newId();
    const now = t.clock.now().getTime();
    await t.services.db.query(
      'INSERT INTO grants (id, person_id, engagement_id, resource_id, permission, starts_at, ends_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6)',
      [id, personId, e.id, resourceId, permission, new Date(now - 60_000), new Date(now + hours * 3_600_000)],
    );
    return id;
  };

  const repository: GitFixture['repository'] = async (name, hosted = true) => {
    const r = await api('POST', '/api/v1/resources', { name, kind: 'git_repository', environment: 'staging', sensitivity: 'internal', ownerId: owner.id }, 201);
    if (hosted) await api('PUT', `/api/v1/git/repositories/${encodeURIComponent(name)}`, { mode: 'hosted' });
    return { id: r.id };
  };

  // The hosted repository with two commits on main, made through the file system (the admin's side).
  const web = await repository('shop/web');
  const repoDir = join(t.dataDir, 'repos', 'shop', 'web.git');
  const seed = join(work, 'seed');
  await git(['init', '-q', seed]);
  await writeFile(join(seed, 'README.md'), '# shop\n');
  await git(['add', '.'], seed);
  await git(['commit', '-q', '-m', 'first'], seed);
  await writeFile(join(seed, 'app.js'), 'console.log("shop");\n');
  await git(['add', '.'], seed);
  await git(['commit', '-q', '-m', 'second'], seed);
  await git(['push', '-q', repoDir, 'main'], seed);

  const devBase = await developer('dev-bo');
  await grant(devBase.id, web.id, 'write');
  const dev = { ...devBase, gitToken: await tokenFor(devBase.id, ['git']) };

  return {
    t, base, work, repoDir, dev, engagementId: e.id, ownerId: owner.id,
    url: (name, who = dev) => `${base.replace('http://', `http://${who.handle}:${who.gitToken}@`)}/git/${name}.git`,
    git, api, grant, repository,
    developer: async (handle) => {
      const d = await developer(handle);
      return d;
    },
    async events(type) {
      await t.services.gitGateway.settled();
      const rows = await t.services.db.query<{ outcome: string; actor_handle: string | null; details: unknown }>(
        'SELECT outcome, actor_handle, details FROM audit_events WHERE type = $1 ORDER BY seq', [type],
      );
      return rows.map((r) => ({ ...r, details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details }));
    },
    async close() {
      await t.services.gitGateway.settled();
      await t.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** A git token for a person (admin-issued). */
export async function gitTokenFor(f: GitFixture, personId: string): Promise<string> {
  return (await f.api('POST', '/api/v1/tokens', { name: 'git', personId, scopes: ['git'] }, 201)).token as string;
}
