/** @module cli/scan.test — `palisade scan` end to end: targets, formats, baseline, exit codes. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { fillTemplate } from '../modules/scanner/testing/fake.ts';
import { seededRandom } from '../modules/scanner/testing/random.ts';
import { runScanCommand } from './scan.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-scan-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const token = fillTemplate('ghp_{alnum:36}', seededRandom(21)).text;

async function scan(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await runScanCommand(args, { stdout, stderr, stdin: Readable.from([Buffer.from(stdin)]) });
  return { code, out, err };
}

mkdirSync(join(dir, 'proj/ignored'), { recursive: true });
writeFileSync(join(dir, 'proj/app.env'), `GITHUB_TOKEN=${token}\n`);
writeFileSync(join(dir, 'proj/ignored/old.env'), `GITHUB_TOKEN=${token}\n`);
writeFileSync(join(dir, 'proj/.palisadeignore'), 'ignored/\n');
writeFileSync(join(dir, 'proj/people.csv'), 'name,email\nJane,jane.roe@acme-mail.de\n');
mkdirSync(join(dir, 'clean'));
writeFileSync(join(dir, 'clean/readme.md'), '# nothing here\n');

describe('palisade scan', () => {
  it('exits 1 and prints a redacted table when it finds secrets, honouring .palisadeignore', async () => {
    const r = await scan([join(dir, 'proj')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('github-pat');
    expect(r.out).toContain('app.env:1:14');
    expect(r.out).not.toContain('ignored/old.env');
    expect(r.out).not.toContain(token);
    expect(r.out).not.toContain('jane.roe');
  });

  it('exits 0 on a clean tree', async () => {
    const r = await scan([join(dir, 'clean')]);
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toContain('No secrets found');
  });

  it('reports personal data with --pii, and secrets in clear with --show-secrets', async () => {
    const r = await scan(['--pii', '--show-secrets', '--format', 'json', join(dir, 'proj')]);
    const doc = JSON.parse(r.out);
    expect(doc.findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual(['github-pat', 'pii-email-address']);
    expect(r.out).toContain(token);
  });

  it('scans standard input', async () => {
    const r = await scan(['-', '--format', 'sarif', '--stdin-name', 'upload.txt'], `x ${token}\n`);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('upload.txt');
  });

  it('writes a baseline and then accepts what it lists', async () => {
    const baseline = join(dir, 'baseline.json');
    expect((await scan(['--write-baseline', baseline, join(dir, 'proj')])).code).toBe(0);
    expect(readFileSync(baseline, 'utf8')).not.toContain(token);
    const r = await scan(['--baseline', baseline, join(dir, 'proj')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 accepted by the baseline');
  });

  it('scans history with --git', async () => {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    const git = (...a: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=Ann', '-c', 'user.email=ann@acme.io', ...a]);
    git('init', '-q');
    writeFileSync(join(repo, 'a.env'), `T=${token}\n`);
    git('add', '.');
    git('commit', '-q', '-m', 'x');
    writeFileSync(join(repo, 'a.env'), 'T=\n');
    git('commit', '-q', '-am', 'remove');
    const r = await scan(['--git', repo, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).findings[0]).toMatchObject({ ruleId: 'github-pat', author: 'Ann', email: 'ann@acme.io' });
  });

  it('loads gitleaks rules with --rules, alone with --no-default-rules, and reports rules it cannot load', async () => {
    const rules = join(dir, 'rules.toml');
    writeFileSync(rules, `[[rules]]\nid = "acme"\nregex = '''acme_[a-z0-9]{12}'''\nkeywords = ["acme_"]\n\n[[rules]]\nid = "evil"\nregex = '''(a+)+$'''\n`);
    writeFileSync(join(dir, 'clean/acme.txt'), 'k = acme_abc123def456\n');
    const r = await scan(['--rules', rules, '--no-default-rules', join(dir, 'clean')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('acme');
    expect(r.err).toContain('rule evil not loaded');
  });

  it('exits 2 on usage errors and missing paths', async () => {
    expect((await scan([])).code).toBe(2);
    expect((await scan(['--format', 'xml', dir])).code).toBe(2);
    expect((await scan(['--bogus', dir])).code).toBe(2);
    expect((await scan([join(dir, 'nope')])).code).toBe(2);
    expect((await scan(['--git', join(dir, 'clean')])).code).toBe(2);
  });
});
