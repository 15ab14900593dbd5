import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelKeyProblem, labelValueProblem, parseLabelSelector, resourceNameProblem } from './resource-fns.ts';

describe('resource names', () => {
  it('accept slugs and /-grouped slugs', () => {
    for (const ok of ['api', 'payments/api', 'a', '0', 'team_x/svc-1.2/db', 'a'.repeat(100), 'x/app.gitx']) {
      expect(resourceNameProblem(ok), ok).toBeNull();
    }
  });

  it('refuse traversal, absolute paths, empty segments and option-like segments', () => {
    const bad: Record<string, RegExp> = {
      '': /empty/,
      '../x': /'\.\.' segments/,
      'a/../b': /'\.\.' segments/,
      'a/./b': /'\.' segments/,
      '/abs': /start or end/,
      'a/': /start or end/,
      'a//b': /empty segments/,
      '-rf': /start with a letter or digit/,
      'a/.hidden': /start with a letter or digit/,
      'repo.git': /\.git/,
      'a.git/b': /\.git/,
      'Payments': /lowercase/,
      'a b': /lowercase/,
      'a\\b': /lowercase/,
      'a%2fb': /lowercase/,
      'ü': /lowercase/,
      [`${'a'.repeat(101)}`]: /at most 100/,
    };
    for (const [name, why] of Object.entries(bad)) expect(resourceNameProblem(name), JSON.stringify(name)).toMatch(why);
  });

  it('never let an accepted name escape the folder it is joined to', () => {
    const char = fc.constantFrom(...'ab0._-/');
    fc.assert(
      fc.property(fc.array(char, { minLength: 1, maxLength: 30 }).map((cs) => cs.join('')), (name) => {
        if (resourceNameProblem(name) !== null) return;
        // Accepted names are already normal: joining changes nothing and stays inside the root.
        expect(path.posix.join('/srv/git', name)).toBe(`/srv/git/${name}`);
        expect(name.split('/')).not.toContain('..');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('labels', () => {
  it('accept Kubernetes-style keys and short printable values', () => {
    expect(labelKeyProblem('team')).toBeNull();
    expect(labelKeyProblem('example.com/tier')).toBeNull();
    expect(labelValueProblem('')).toBeNull();
    expect(labelValueProblem('Payments Team (EU)')).toBeNull();
  });

  it('refuse keys with capitals, edge punctuation or over 63 characters, and values with control characters', () => {
    expect(labelKeyProblem('Team')).not.toBeNull();
    expect(labelKeyProblem('-team')).not.toBeNull();
    expect(labelKeyProblem('team/')).not.toBeNull();
    expect(labelKeyProblem('k'.repeat(64))).not.toBeNull();
    expect(labelValueProblem('v'.repeat(201))).not.toBeNull();
    expect(labelValueProblem('red\u001b[31m')).not.toBeNull();
  });

  it('parse key=value and bare-key selectors, keeping "=" inside values', () => {
    expect(parseLabelSelector('team=payments')).toEqual({ key: 'team', value: 'payments' });
    expect(parseLabelSelector('expr=a=b')).toEqual({ key: 'expr', value: 'a=b' });
    expect(parseLabelSelector('pci')).toEqual({ key: 'pci', value: null });
    expect(parseLabelSelector('Bad=x')).toMatch(/'Bad=x'/);
  });
});
