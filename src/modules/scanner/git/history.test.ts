/** @module scanner/git/history.test — history scanning with the real `git`: added lines only, each attributed to the commit that introduced it. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScanner } from '../scanner.ts';
import { fillTemplate } from '../testing/fake.ts';
import { seededRandom } from '../testing/random.ts';
import { GitHistoryError, rangeArgs } from './history.ts';

const repo = mkdtempSync(join(tmpdir(), 'palisade-scan-git-'));
const git = (...args: string[]): string => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
const commit = (author: string, files: Record<string, string>, message: string): string => {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(repo, name), content);
  git('add', '-A');
  execFileSync('git', ['-C', repo, '-c', `user.name=${author}`, '-c', `user.email=${author.toLowerCase()}@acme.io`, 'commit', '-q', '-m', message]);
  return git('rev-parse', 'HEAD');
};

const token = fillTemplate('ghp_{alnum:36}', seededRandom(11)).text;
const stripe = fillTemplate('sk_live_{alnum:32}', seededRandom(12)).text;
git('init', '-q', '-b', 'main');
const c1 = commit('Ann', { 'app.env': 'NAME=app\n', 'weird name.txt': 'nothing\n' }, 'first');
const c2 = commit('Bob', { 'app.env': `NAME=app\nGITHUB_TOKEN=${token}\n` }, 'add token');
const c3 = commit('Cy', { 'app.env': `NAME=app2\nGITHUB_TOKEN=${token}\n`, 'pay.js': `\n\nconst k = '${stripe}';\n` }, 'rename app, add stripe');
const c4 = commit('Dee', { 'app.env': 'NAME=app2\n' }, 'remove token');
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('scanning git history', () => {
  const scanner = createScanner();

  it('reports each secret once, at the commit that added it, with author and new-file line', async () => {
    const { findings, stats } = await scanner.scanGitHistory(repo);
    expect(stats.commits).toBe(4);
    const rows = findings.map((f) => [f.ruleId, f.commit?.commit, f.commit?.author, f.commit?.email, f.file, f.line]).sort();
    expect(rows).toEqual([
      ['github-pat', c2, 'Bob', 'bob@acme.io', 'app.env', 2],
      ['stripe-live-secret-key', c3, 'Cy', 'cy@acme.io', 'pay.js', 3],
    ]);
  });

  it('scans only the commits of a push range', async () => {
    const { findings } = await scanner.scanCommitRange(repo, c2, c4);
    expect(findings.map((f) => [f.ruleId, f.commit?.commit])).toEqual([['stripe-live-secret-key', c3]]);
  });

  it('treats a zero old id as a new branch: commits no existing ref reaches', async () => {
    git('checkout', '-q', '-b', 'feature', c1);
    const c5 = commit('Eve', { 'new.yml': `token: ${token}\n` }, 'feature');
    git('checkout', '-q', 'main');
    git('branch', '-q', '-D', 'feature'); // as in a pre-receive hook: the pushed commit is not on any ref yet
    const { findings, stats } = await scanner.scanCommitRange(repo, '0'.repeat(40), c5);
    expect(stats.commits).toBe(1);
    expect(findings.map((f) => [f.file, f.commit?.commit])).toEqual([['new.yml', c5]]);
  });

  it('refuses revision arguments that git could read as options, and reports git failures', async () => {
    expect(() => rangeArgs('--output=/tmp/x', c1)).toThrow(GitHistoryError);
    await expect(scanner.scanCommitRange(repo, c1, 'f'.repeat(40))).rejects.toThrow(GitHistoryError);
  });
});
