/** @module scanner/git/hosted.test — hosted repository paths never leave `<data folder>/repos`. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitExists, existingHostedRepository, hostedRepositoryPath } from './hosted.ts';

const data = mkdtempSync(join(tmpdir(), 'palisade-hosted-'));
const repos = join(data, 'repos');
mkdirSync(join(repos, 'team'), { recursive: true });
execFileSync('git', ['init', '-q', '--bare', join(repos, 'team', 'app.git')]);
mkdirSync(join(data, 'outside.git'));
symlinkSync(join(data, 'outside.git'), join(repos, 'escape.git'));
afterAll(() => rmSync(data, { recursive: true, force: true }));

describe('hosted repository paths', () => {
  it('map a resource name to <repos>/<name>.git, groups as folders', () => {
    expect(hostedRepositoryPath('/srv/palisade/repos', 'payments/api')).toBe('/srv/palisade/repos/payments/api.git');
  });

  it('refuse names the resource rules would refuse: parent segments, absolute paths, empty segments', () => {
    for (const name of ['../etc', 'a/../../b', '/etc/passwd', 'a//b', '', 'A/B', 'x.git/y']) expect(hostedRepositoryPath('/srv/repos', name), name).toBeNull();
  });

  it('find an existing repository folder and nothing else', async () => {
    expect(await existingHostedRepository(repos, 'team/app')).toBe(join(repos, 'team', 'app.git'));
    expect(await existingHostedRepository(repos, 'team/missing')).toBeNull();
    expect(await existingHostedRepository(join(data, 'no-repos-folder'), 'team/app')).toBeNull();
  });

  it('refuse a symbolic link that leads out of the repositories folder', async () => {
    expect(await existingHostedRepository(repos, 'escape')).toBeNull();
  });

  it('check commit ids with git, refusing anything that is not a full hexadecimal id', async () => {
    expect(await commitExists(join(repos, 'team', 'app.git'), 'a'.repeat(40))).toBe(false);
    expect(await commitExists(join(repos, 'team', 'app.git'), '--help')).toBe(false);
  });
});
