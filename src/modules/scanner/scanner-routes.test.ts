/**
 * @module scanner/scanner-routes.test — the scan API over HTTP: uploaded files and commit ranges of real
 * hosted repositories (made with the real `git`), JSON and SARIF, redaction, permissions and audit events.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { fillTemplate } from './testing/fake.ts';
import { seededRandom } from './testing/random.ts';

const token = fillTemplate('ghp_{alnum:36}', seededRandom(51)).text;
const stripe = fillTemplate('sk_live_{alnum:32}', seededRandom(52)).text;
const dbPassword = fillTemplate('{alnum:16}', seededRandom(53)).text;
const ZEROS = '0'.repeat(40);

let t: TestApp;
let tokens: Record<'developer' | 'auditor' | 'approver', string>;
let work: string;
const commits: Record<string, string> = {};

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-C', cwd, '-c', 'user.name=Ann Dev', '-c', 'user.email=ann@acme.io', ...args], { encoding: 'utf8' }).trim();
const commit = (name: string, files: Record<string, string>) => {
  for (const [path, content] of Object.entries(files)) writeFileSync(join(work, path), content);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', name);
  commits[name] = git(work, 'rev-parse', 'HEAD');
};

const upload = (bytes: Buffer | string, query = '', tokenOf: string = t.adminToken, headers: Record<string, string> = {}) =>
  t.call(tokenOf, { method: 'POST', url: `/api/v1/scans/files${query}`, payload: Buffer.from(bytes), headers: { 'content-type': 'application/octet-stream', ...headers } });
const scanCommits = (body: object, query = '', tokenOf: string = t.adminToken, headers: Record<string, string> = {}) =>
  t.call(tokenOf, { method: 'POST', url: `/api/v1/scans/commits${query}`, payload: body, headers });
const createResource = async (name: string, kind: string) => {
  const me = (await t.call(t.adminToken, { url: '/api/v1/me' })).json();
  const res = await t.call(t.adminToken, { method: 'POST', url: '/api/v1/resources', payload: { name, kind, environment: 'production', sensitivity: 'confidential', ownerId: me.id } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string };
};
const lastScanEvent = async () => {
  const res = await t.call(t.adminToken, { url: '/api/v1/audit/events?type=scan.completed&limit=200' });
  return res.json().items.at(-1);
};

beforeAll(async () => {
  t = await createTestApp();
  tokens = {
    developer: (await t.personWithRole('developer')).token,
    auditor: (await t.personWithRole('auditor')).token,
    approver: (await t.personWithRole('approver')).token,
  };
  // A hosted repository where the git gateway keeps it: <data folder>/repos/<resource name>.git.
  await createResource('payments/api', 'git_repository');
  await createResource('payments/db', 'database');
  await createResource('payments/empty', 'git_repository');
  const bare = join(t.dataDir, 'repos', 'payments', 'api.git');
  mkdirSync(bare, { recursive: true });
  execFileSync('git', ['init', '-q', '--bare', bare]);
  work = mkdtempSync(join(tmpdir(), 'palisade-scan-api-'));
  git(work, 'init', '-q', '-b', 'main');
  commit('clean', { 'README.md': '# payments\n' });
  commit('add token', { 'app.env': `NAME=payments\nGITHUB_TOKEN=${token}\n` });
  commit('add stripe', { 'pay.js': `const key = '${stripe}';\n` });
  git(work, 'push', '-q', bare, 'main');
  // A commit the bare repository holds but no ref reaches: what a pre-receive hook sees of a new branch.
  commit('new branch', { 'db.env': `DB_PASSWORD=${dbPassword}\n` });
  git(work, 'push', '-q', bare, 'HEAD:refs/heads/tmp');
  git(bare, 'update-ref', '-d', 'refs/heads/tmp');
});
afterAll(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

describe('POST /api/v1/scans/files', () => {
  it('reports a secret in the uploaded bytes, redacted, with the file name given and the upload\'s SHA-256', async () => {
    const bytes = `# deploy\nexport GH=${token}\n`;
    const res = await upload(bytes, '?name=scripts/deploy.sh');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(body.findings).toHaveLength(1);
    expect(body.findings[0]).toMatchObject({ ruleId: 'github-pat', file: 'scripts/deploy.sh', line: 2, column: 11, secret: 'ghp_*****', redacted: true });
    expect(body.target).toEqual({ kind: 'file', name: 'scripts/deploy.sh', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(body.summary).toMatchObject({ findings: 1, files: 1, bytes: bytes.length, skippedBinary: 0 });
    expect(res.body).not.toContain(token.slice(4));
  });

  it('matches rules\' path filters against the name: an unquoted KEY=value counts only in a configuration file', async () => {
    const bytes = `DB_PASSWORD=${dbPassword}\n`;
    expect((await upload(bytes, '?name=.env')).json().findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['generic-secret-config']);
    expect((await upload(bytes, '?name=notes.md')).json().findings).toEqual([]);
  });

  it('answers SARIF 2.1.0 for ?format=sarif and for Accept: application/sarif+json, secrets redacted', async () => {
    for (const res of [await upload(`k = '${stripe}'`, '?format=sarif'), await upload(`k = '${stripe}'`, '', t.adminToken, { accept: 'application/sarif+json' })]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/sarif\+json/);
      const sarif = res.json();
      expect(sarif.version).toBe('2.1.0');
      expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(['stripe-live-secret-key']);
      expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('upload');
      expect(res.body).not.toContain(stripe.slice(8));
    }
  });

  it('reports personal data only when asked with pii=true', async () => {
    const csv = 'id,name,email\n17,Jane Doe,jane.doe@acme-mail.de\n';
    expect((await upload(csv, '?name=customers.csv')).json().findings).toEqual([]);
    const found = (await upload(csv, '?name=customers.csv&pii=true')).json().findings;
    expect(found.map((f: { ruleId: string; category: string }) => [f.ruleId, f.category])).toEqual([['pii-email-address', 'pii']]);
  });

  it('skips binary content and says so', async () => {
    const res = await upload(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]), Buffer.from(token)]), '?name=logo.png');
    expect(res.json()).toMatchObject({ findings: [], summary: { files: 0, bytes: 0, skippedBinary: 1 } });
  });

  it('lets every role scan bytes it sends: developers and auditors too', async () => {
    for (const role of ['developer', 'auditor', 'approver'] as const) {
      expect((await upload(`x = '${token}'`, '', tokens[role])).json().findings).toHaveLength(1);
    }
  });

  it('refuses JSON, text and missing bodies with 400 (an empty file is scanned), unknown media types with 415 and more than 25 MiB with 413', async () => {
    const json = await t.call(t.adminToken, { method: 'POST', url: '/api/v1/scans/files', payload: { content: token } });
    expect(json.statusCode).toBe(400);
    expect(json.json().errors[0].message).toMatch(/application\/octet-stream/);
    expect((await upload('hello', '', t.adminToken, { 'content-type': 'text/plain' })).statusCode).toBe(400);
    expect((await upload('<x/>', '', t.adminToken, { 'content-type': 'application/xml' })).statusCode).toBe(415);
    expect((await t.call(t.adminToken, { method: 'POST', url: '/api/v1/scans/files' })).statusCode).toBe(400);
    expect((await upload('')).json(), 'an empty file is a file').toMatchObject({ findings: [], summary: { files: 1, bytes: 0 } });
    const tooBig = await upload(Buffer.alloc(25 * 1024 * 1024 + 1, 0x61));
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses names with control characters and unknown formats', async () => {
    expect((await upload('x', '?name=a%0Ab')).statusCode).toBe(400);
    expect((await upload('x', '?format=xml')).statusCode).toBe(400);
  });

  it('records scan.completed with counts and rule ids, never the secret or its fingerprint', async () => {
    const res = await upload(`a = '${token}'\nb = '${stripe}'\n`, '?name=leak.py', tokens.developer);
    const event = await lastScanEvent();
    expect(event).toMatchObject({ type: 'scan.completed', outcome: 'success', actor: { role: 'developer' }, target: { type: 'upload', id: res.json().target.sha256 } });
    expect(event.details).toEqual({
      kind: 'file', name: 'leak.py', bytes: res.json().target.bytes, binary: false, personalData: false,
      findings: 2, findingsByRule: { 'github-pat': 1, 'stripe-live-secret-key': 1 },
    });
    const stored = JSON.stringify(event);
    for (const secret of [token, stripe, ...res.json().findings.map((f: { fingerprint: string }) => f.fingerprint)]) expect(stored).not.toContain(secret);
  });
});

describe('POST /api/v1/scans/commits', () => {
  it('scans the lines added by from..to, each finding attributed to its commit and author', async () => {
    const res = await scanCommits({ repository: 'payments/api', from: commits.clean, to: commits['add stripe'] });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    // In git log order: newest commit first.
    expect(body.findings.map((f: Record<string, unknown>) => [f.ruleId, f.file, f.line, f.commit, f.author, f.email, f.secret])).toEqual([
      ['stripe-live-secret-key', 'pay.js', 1, commits['add stripe'], 'Ann Dev', 'ann@acme.io', 'sk_l*****'],
      ['github-pat', 'app.env', 2, commits['add token'], 'Ann Dev', 'ann@acme.io', 'ghp_*****'],
    ]);
    expect(body.summary).toMatchObject({ findings: 2, commits: 2 });
    expect(body.target).toMatchObject({ kind: 'commits', repository: 'payments/api', from: commits.clean, to: commits['add stripe'] });
    expect(res.body).not.toContain(token.slice(4));
    expect(res.body).not.toContain(stripe.slice(8));
  });

  it('scans only the range: a secret added before `from` is not reported', async () => {
    const res = await scanCommits({ repository: 'payments/api', from: commits['add token'], to: commits['add stripe'] });
    expect(res.json().findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['stripe-live-secret-key']);
  });

  it('scans the whole history of `to` when `from` is absent, and accepts the resource id and upper-case ids', async () => {
    const resource = (await t.call(t.adminToken, { url: '/api/v1/resources/payments%2Fapi' })).json();
    expect(resource.id).toMatch(/^[0-9a-f-]{36}$/);
    const byId = await scanCommits({ repository: resource.id, to: commits['add stripe']!.toUpperCase() });
    expect(byId.statusCode, byId.body).toBe(200);
    expect(byId.json().summary).toMatchObject({ commits: 3, findings: 2 });
  });

  it('with all-zero `from` (a new branch in a push) scans only the commits that no ref reaches', async () => {
    const res = await scanCommits({ repository: 'payments/api', from: ZEROS, to: commits['new branch'] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().findings.map((f: Record<string, unknown>) => [f.ruleId, f.file, f.commit])).toEqual([['generic-secret-config', 'db.env', commits['new branch']]]);
    expect(res.json().summary.commits).toBe(1);
  });

  it('answers SARIF with the commit in each result\'s properties', async () => {
    const res = await scanCommits({ repository: 'payments/api', from: commits['add token'], to: commits['add stripe'] }, '?format=sarif');
    expect(res.headers['content-type']).toMatch(/^application\/sarif\+json/);
    expect(res.json().runs[0].results[0].properties).toMatchObject({ commit: commits['add stripe'], author: 'Ann Dev', redacted: true });
  });

  it('refuses ref names, short ids and options in place of full commit ids', async () => {
    for (const to of ['main', commits.clean!.slice(0, 12), '--output=/tmp/x', `${commits.clean}..HEAD`]) {
      const res = await scanCommits({ repository: 'payments/api', to });
      expect(res.statusCode, to).toBe(400);
      expect(res.json().errors[0].path).toBe('body.to');
    }
  });

  it('refuses a commit the repository does not have, naming the field', async () => {
    const res = await scanCommits({ repository: 'payments/api', from: 'a'.repeat(40), to: commits.clean });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: 'from', message: `no commit ${'a'.repeat(40)} in payments/api` }]);
  });

  it('answers 404 for an unknown resource and for a repository resource with no hosted repository, 400 for another kind', async () => {
    expect((await scanCommits({ repository: 'payments/nope', to: commits.clean })).statusCode).toBe(404);
    const empty = await scanCommits({ repository: 'payments/empty', to: commits.clean });
    expect(empty.statusCode).toBe(404);
    expect(empty.json().detail).toMatch(/no hosted repository/);
    const db = await scanCommits({ repository: 'payments/db', to: commits.clean });
    expect(db.statusCode).toBe(400);
    expect(db.json().errors[0]).toEqual({ path: 'repository', message: 'payments/db is a database resource, not a git_repository' });
  });

  it('is for admins and approvers: developers and auditors get 403', async () => {
    expect((await scanCommits({ repository: 'payments/api', to: commits.clean }, '', tokens.approver)).statusCode).toBe(200);
    expect((await scanCommits({ repository: 'payments/api', to: commits.clean }, '', tokens.developer)).statusCode).toBe(403);
    expect((await scanCommits({ repository: 'payments/api', to: commits.clean }, '', tokens.auditor)).statusCode).toBe(403);
  });

  it('records scan.completed on the resource with the range and counts, never a secret', async () => {
    await scanCommits({ repository: 'payments/api', from: commits.clean, to: commits['add stripe'] });
    const event = await lastScanEvent();
    const resource = (await t.call(t.adminToken, { url: '/api/v1/resources/payments%2Fapi' })).json();
    expect(event.target).toEqual({ type: 'resource', id: resource.id });
    expect(event.details).toMatchObject({
      kind: 'commits', repository: 'payments/api', from: commits.clean, to: commits['add stripe'], commits: 2,
      findings: 2, findingsByRule: { 'github-pat': 1, 'stripe-live-secret-key': 1 },
    });
    expect(JSON.stringify(event)).not.toContain(token);
  });
});
