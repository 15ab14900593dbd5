/**
 * @module git-gateway/push/inspect-push.test — the push inspector driven by the real `git` client through a
 * small http-backend server: refusals show in `git push` output per ref, accepted pushes are replayed intact.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.ts';
import { ValidationError } from '../../../core/errors.ts';
import { newId } from '../../../core/ids.ts';
import { systemActor } from '../../auth/actor.ts';
import { findingFingerprint } from '../../scanner/fingerprint.ts';
import { fillTemplate } from '../../scanner/testing/fake.ts';
import { seededRandom } from '../../scanner/testing/random.ts';
import { createPushInspector, type PushInspector } from './inspect-push.ts';
import { runGit, startPushHarness, type Harness } from './push-harness.test-support.ts';
import { insertAllowEntry, upsertPushRules } from './push-rules-store.ts';
import { DEFAULT_PROTECTED_REFS } from './ref-rules.ts';

let t: TestApp;
let root: string;
let bare: string;
let work: string;
let harness: Harness;
let inspector: PushInspector;
let resource: { id: string; name: string };
let pusher = { id: '', handle: 'ann', kind: 'external' as 'member' | 'external' };
const awsKey = fillTemplate('AKIA{base32:16}', seededRandom(61)).text;

const git = (args: string[], opts: { allowFail?: boolean } = {}) => runGit(work, args, opts);
async function commit(files: Record<string, string | Buffer>, message: string): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(work, name)), { recursive: true });
    await writeFile(join(work, name), content);
  }
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', message]);
}
const remoteRef = async (ref: string) => (await runGit(bare, ['rev-parse', '--verify', '-q', ref], { allowFail: true })).out.trim();
const last = () => harness.pushes[harness.pushes.length - 1]!;

beforeAll(async () => {
  t = await createTestApp();
  const owner = await t.personWithRole('approver');
  resource = await t.services.resources.create(systemActor, {
    name: 'app', kind: 'git_repository', environment: 'development', sensitivity: 'internal', ownerId: owner.id, labels: {},
  });
  root = await mkdtemp(join(tmpdir(), 'palisade-push-'));
  bare = join(root, 'srv', 'app.git');
  work = join(root, 'work');
  await mkdir(bare, { recursive: true });
  await runGit(bare, ['init', '-q', '--bare', '-b', 'main']);
  inspector = createPushInspector({ db: t.services.db, tmpDir: root });
  harness = await startPushHarness({ repoDir: bare, inspector, resource, pusher: () => pusher, maxBodyBytes: 32 << 20 });
  // History the pushes build on, put in place directly (not through the inspector).
  await mkdir(work);
  await git(['init', '-q', '-b', 'main']);
  await commit({ 'README.md': '# app\n', 'big.txt': randomBytes(200_000).toString('base64') }, 'first');
  await git(['tag', 'v1']);
  await git(['push', '-q', bare, 'main', 'v1']);
  await git(['remote', 'add', 'origin', harness.url]);
  await git(['fetch', '-q', 'origin']);
}, 60_000);

afterAll(async () => {
  await harness?.close();
  await t?.close();
  await rm(root, { recursive: true, force: true });
});

describe('a push through the inspector, with the real git client', () => {
  it('accepts a clean push on top of existing history (a thin pack) and replays the body byte for byte', async () => {
    await git(['checkout', '-q', '-b', 'feature', 'main']);
    await commit({ 'big.txt': (await runGit(work, ['show', 'main:big.txt'])).out + 'one more line\n' }, 'small change to a big file');
    const { out } = await git(['push', 'origin', 'feature']);
    expect(out).toContain('* [new branch]      feature -> feature');
    const push = last();
    expect(push.error).toBeNull();
    expect(push.inspection!.refused).toEqual([]);
    expect(push.inspection!.updates).toEqual([
      { ref: 'refs/heads/feature', oldOid: '0'.repeat(40), newOid: await remoteRef('refs/heads/feature'), kind: 'create', forced: false },
    ]);
    expect(push.replayed!.equals(push.received)).toBe(true);
    // Thin: the 270 kB file went as a delta against the object the repository already holds.
    expect(push.received.length).toBeLessThan(10_000);
    expect(push.inspection!.capabilities).toEqual(expect.arrayContaining(['report-status-v2', 'side-band-64k']));
  });

  it('refuses a push that adds an AWS key, naming file, line and rule in remote: lines with the key redacted', async () => {
    await commit({ 'config/aws.env': `REGION=eu-west-1\nAWS_ACCESS_KEY_ID=${awsKey}\n` }, 'add aws config');
    const before = await remoteRef('refs/heads/feature');
    const { code, out } = await git(['push', 'origin', 'feature'], { allowFail: true });
    expect(code).not.toBe(0);
    expect(out).toMatch(/remote: +config\/aws\.env:2 +aws-access-key-id +AKIA\*\*\*\*\*/);
    expect(out).toContain('! [remote rejected] feature -> feature (secret found: aws-access-key-id at config/aws.env:2)');
    expect(out).not.toContain(awsKey);
    expect(await remoteRef('refs/heads/feature')).toBe(before);
    const details = last().inspection!.auditDetails();
    expect(details).toMatchObject({ findings: 1, findingRules: ['aws-access-key-id'] });
    expect(JSON.stringify(details)).not.toContain(awsKey.slice(4));
    expect(JSON.stringify(last().inspection!.findings)).not.toContain(awsKey.slice(4));
  });

  it('lets the same key through when an admin allow-lists its fingerprint', async () => {
    const entryId = newId();
    await insertAllowEntry(t.services.db, {
      id: entryId, resourceId: resource.id, fingerprint: findingFingerprint('aws-access-key-id', 'config/aws.env', awsKey), pathPattern: null,
      reason: 'test account key, revoked', status: 'active', createdAt: new Date(), createdBy: null, removedAt: null, removedBy: null,
    });
    const { out } = await git(['push', 'origin', 'feature']);
    expect(out).toContain('feature -> feature');
    expect(last().inspection!.allowed).toEqual([{ ruleId: 'aws-access-key-id', file: 'config/aws.env', entryId }]);
  });

  it('lets a key through when its line carries the inline allow marker', async () => {
    const other = fillTemplate('AKIA{base32:16}', seededRandom(62)).text;
    await commit({ 'docs/example.md': `Example: \`${other}\` <!-- palisade:allow -->\n` }, 'document the key format');
    await git(['push', 'origin', 'feature']);
    expect(last().inspection!.refused).toEqual([]);
    expect(last().inspection!.findings).toEqual([]);
  });

  it('lets a key through under an allow-listed path pattern (for every repository)', async () => {
    await insertAllowEntry(t.services.db, {
      id: newId(), resourceId: null, fingerprint: null, pathPattern: 'test/fixtures/**',
      reason: 'fixtures are fake', status: 'active', createdAt: new Date(), createdBy: null, removedAt: null, removedBy: null,
    });
    const fake = fillTemplate('AKIA{base32:16}', seededRandom(63)).text;
    await commit({ 'test/fixtures/deep/creds.env': `AWS_ACCESS_KEY_ID=${fake}\n` }, 'fixture');
    await git(['push', 'origin', 'feature']);
    expect(last().inspection!.refused).toEqual([]);
  });

  it('refuses a force-push to main, even by a member, and an external developer\'s fast-forward of it', async () => {
    await git(['checkout', '-q', '-b', 'rewrite', 'main']);
    await git(['commit', '-q', '--amend', '-m', 'rewritten first commit']);
    pusher = { ...pusher, handle: 'mo', kind: 'member' };
    const forced = await git(['push', '--force', 'origin', 'rewrite:main'], { allowFail: true });
    expect(forced.out).toContain('! [remote rejected] rewrite -> main (protected ref: force-push refused)');
    expect(last().inspection!.updates[0]).toMatchObject({ ref: 'refs/heads/main', kind: 'update', forced: true });
    pusher = { ...pusher, handle: 'ann', kind: 'external' };
    const ff = await git(['push', 'origin', 'feature:main'], { allowFail: true });
    expect(ff.out).toContain('! [remote rejected] feature -> main (protected ref: external developers cannot update it)');
    expect(ff.out).toMatch(/remote: +refs\/heads\/main: protected ref/);
  });

  it('lets a member fast-forward main', async () => {
    pusher = { ...pusher, handle: 'mo', kind: 'member' };
    try {
      await git(['push', 'origin', 'feature:main']);
      expect(await remoteRef('refs/heads/main')).toBe(await remoteRef('refs/heads/feature'));
    } finally {
      pusher = { ...pusher, handle: 'ann', kind: 'external' };
    }
  });

  it('refuses the deletion of a protected tag', async () => {
    const { out } = await git(['push', 'origin', ':refs/tags/v1'], { allowFail: true });
    expect(out).toContain('! [remote rejected] v1 (protected ref: deletion refused)');
    expect(await remoteRef('refs/tags/v1')).not.toBe('');
    expect(last().inspection!.updates[0]).toMatchObject({ kind: 'delete', newOid: '0'.repeat(40) });
  });

  it('confines external developers to their contribution pattern, and refuses the whole push when one ref is refused', async () => {
    await upsertPushRules(t.services.db, {
      resourceId: resource.id, protectedRefs: [...DEFAULT_PROTECTED_REFS], contribPattern: 'refs/heads/contrib/<handle>/*', updatedAt: new Date(), updatedBy: null,
    });
    await git(['checkout', '-q', 'feature']);
    await commit({ 'src/a.ts': 'export const a = 1;\n' }, 'contribution');
    const ok = await git(['push', 'origin', 'feature:refs/heads/contrib/ann/x']);
    expect(ok.out).toContain('* [new branch]      feature -> contrib/ann/x');
    const both = await git(['push', 'origin', 'feature:refs/heads/contrib/ann/y', 'feature:refs/heads/elsewhere'], { allowFail: true });
    expect(both.out).toContain('! [remote rejected] feature -> elsewhere (outside your contribution refs refs/heads/contrib/ann/*)');
    expect(both.out).toContain('! [remote rejected] feature -> contrib/ann/y (not updated: another ref of this push was refused)');
    expect(await remoteRef('refs/heads/contrib/ann/y')).toBe('');
  });

  it('names, per ref, the one that adds a secret; the other ref is refused with the rest of the push', async () => {
    await git(['checkout', '-q', '-b', 'leak', 'feature']);
    const key = fillTemplate('AKIA{base32:16}', seededRandom(64)).text;
    await commit({ 'leak.env': `AWS_ACCESS_KEY_ID=${key}\n` }, 'leak');
    const { out } = await git(['push', 'origin', 'feature:refs/heads/contrib/ann/clean', 'leak:refs/heads/contrib/ann/leak'], { allowFail: true });
    expect(out).toContain('! [remote rejected] leak -> contrib/ann/leak (secret found: aws-access-key-id at leak.env:1)');
    expect(out).toContain('! [remote rejected] feature -> contrib/ann/clean (not updated: another ref of this push was refused)');
    await git(['checkout', '-q', 'feature']);
  });

  it('accepts a push larger than git\'s post buffer (sent chunked, after a probe)', async () => {
    await commit({ 'assets/blob.bin': randomBytes(3 << 20) }, 'a large binary');
    await git(['push', 'origin', 'feature:refs/heads/contrib/ann/big']);
    expect(await remoteRef('refs/heads/contrib/ann/big')).toBe(await runGit(work, ['rev-parse', 'HEAD']).then((r) => r.out.trim()));
    expect(last().inspection!.bodyBytes).toBeGreaterThan(3 << 20);
    // Before the chunked request git probed with a lone flush, which the inspector let through.
    const probe = harness.pushes[harness.pushes.length - 2]!.inspection!;
    expect([probe.bodyBytes, probe.updates, probe.refused]).toEqual([4, [], []]);
  });
});

describe('malformed push bodies', () => {
  const inspect = (body: Buffer, maxBodyBytes = 1 << 20) =>
    inspector.inspect({ resource, baseRepoDir: bare, pusher, body: Readable.from([body]), maxBodyBytes });
  const zero = '0'.repeat(40);
  const line = (s: string) => Buffer.from((s.length + 4).toString(16).padStart(4, '0') + s);

  it('are ValidationErrors: a broken pkt-line length, a truncated list, a bad command, a truncated pack, an oversized body', async () => {
    const head = await remoteRef('refs/heads/main');
    await expect(inspect(Buffer.from('zzzz'))).rejects.toThrow(ValidationError);
    await expect(inspect(Buffer.from('00a0' + `${zero} ${head} refs/heads/x`))).rejects.toThrow(/without a flush/);
    await expect(inspect(Buffer.concat([line(`${zero} ${head}\0report-status\n`), Buffer.from('0000')]))).rejects.toThrow(/old-oid/);
    await expect(inspect(Buffer.concat([line(`${zero} ${head} refs/heads/a..b\0report-status\n`), Buffer.from('0000')]))).rejects.toThrow(ValidationError);
    const captured = harness.pushes.find((p) => p.inspection && p.inspection.bodyBytes > 300 && p.inspection.bodyBytes < 1 << 20)!.received;
    await expect(inspect(captured.subarray(0, captured.length - 30))).rejects.toThrow(/pack cannot be read/);
    await expect(inspect(captured, 100)).rejects.toThrow(/larger than the limit/);
    await expect(inspect(Buffer.alloc(0))).rejects.toThrow(/empty/);
  });

  it('leave files above the scan limit unread (git diffs them as binary), so inflated text never fills memory', async () => {
    const small = createPushInspector({ db: t.services.db, tmpDir: root, maxScanFileBytes: 100_000 });
    const key = fillTemplate('AKIA{base32:16}', seededRandom(66)).text;
    await git(['checkout', '-q', '-b', 'huge', 'main']);
    await commit({ 'huge.txt': `AWS_ACCESS_KEY_ID=${key}\n` + 'x = 1\n'.repeat(50_000), 'small.env': `AWS_ACCESS_KEY_ID=${key}\n` }, 'huge');
    const tip = (await git(['rev-parse', 'HEAD'])).out.trim();
    const base = await remoteRef('refs/heads/main');
    const pack = await new Promise<Buffer>((done) => {
      const child = spawn('git', ['pack-objects', '--revs', '--thin', '--stdout', '-q'], { cwd: work });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.on('close', () => done(Buffer.concat(chunks)));
      child.stdin.end(`${tip}\n^${base}\n`);
    });
    const body = Buffer.concat([line(`${zero} ${tip} refs/heads/huge\0report-status\n`), Buffer.from('0000'), pack]);
    const push = await small.inspect({ resource, baseRepoDir: bare, pusher, body: Readable.from([body]), maxBodyBytes: 1 << 20 });
    expect(push.findings.map((f) => f.file)).toEqual(['small.env']);
    await push.cleanup();
    await git(['checkout', '-q', 'feature']);
  });

  it('answer a lone flush (git\'s probe) with an accepted inspection without updates', async () => {
    const probe = await inspect(Buffer.from('0000'));
    expect(probe.updates).toEqual([]);
    expect(probe.refused).toEqual([]);
    await probe.cleanup();
  });
});

describe('the first push into an empty repository', () => {
  it('is refused for an external developer creating main, accepted from a member, and scans every commit it brings', async () => {
    const empty = join(root, 'srv', 'empty.git');
    await mkdir(empty, { recursive: true });
    await runGit(empty, ['init', '-q', '--bare', '-b', 'main']);
    const second = await startPushHarness({ repoDir: empty, inspector, resource, pusher: () => pusher });
    try {
      const src = join(root, 'fresh');
      await mkdir(src);
      await runGit(src, ['init', '-q', '-b', 'main']);
      const key = fillTemplate('AKIA{base32:16}', seededRandom(65)).text;
      await writeFile(join(src, 'a.env'), `AWS_ACCESS_KEY_ID=${key}\n`);
      await runGit(src, ['add', '-A']);
      await runGit(src, ['commit', '-q', '-m', 'one']);
      await writeFile(join(src, 'a.env'), 'AWS_ACCESS_KEY_ID=\n');
      await runGit(src, ['commit', '-q', '-am', 'two: removed again']);
      pusher = { ...pusher, handle: 'mo', kind: 'member' };
      // The key was removed by the second commit, but the first one still carries it.
      const leaked = await runGit(src, ['push', second.url, 'main'], { allowFail: true });
      expect(leaked.out).toContain('! [remote rejected] main -> main (secret found: aws-access-key-id at a.env:1)');
      const firstCommit = (await runGit(src, ['rev-parse', 'HEAD~1'])).out.trim();
      expect(second.pushes[0]!.inspection!.findings).toEqual([{ ruleId: 'aws-access-key-id', file: 'a.env', line: 1, commit: firstCommit, redacted: 'AKIA*****' }]);
      await runGit(src, ['checkout', '-q', '--orphan', 'clean']);
      await runGit(src, ['commit', '-q', '-m', 'clean start']);
      pusher = { ...pusher, handle: 'ann', kind: 'external' };
      expect((await runGit(src, ['push', second.url, 'clean:main'], { allowFail: true })).out).toContain('(protected ref: external developers cannot create it)');
      pusher = { ...pusher, handle: 'mo', kind: 'member' };
      await runGit(src, ['push', second.url, 'clean:main']);
      expect((await runGit(empty, ['rev-parse', 'main'])).out.trim()).toBe((await runGit(src, ['rev-parse', 'clean'])).out.trim());
    } finally {
      pusher = { ...pusher, handle: 'ann', kind: 'external' };
      await second.close();
    }
  });
});
