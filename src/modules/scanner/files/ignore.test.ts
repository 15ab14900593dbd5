/** @module scanner/files/ignore.test — gitignore(5) semantics for .gitignore and .palisadeignore. */
import { describe, expect, it } from 'vitest';
import { IgnoreRules } from './ignore.ts';

const rules = (content: string, base = ''): IgnoreRules => {
  const r = new IgnoreRules();
  r.add(base, content);
  return r;
};

describe('ignore rules', () => {
  it('match a name at any depth unless the pattern has a slash', () => {
    const r = rules('*.log\n/build\ndocs/*.md');
    expect(r.ignores('a/b/x.log', false)).toBe(true);
    expect(r.ignores('build', true)).toBe(true);
    expect(r.ignores('src/build', true)).toBe(false);
    expect(r.ignores('docs/a.md', false)).toBe(true);
    expect(r.ignores('docs/sub/a.md', false)).toBe(false);
  });

  it('support negation, directory-only patterns and **', () => {
    const r = rules('*.log\n!keep.log\ncache/\n**/fixtures/**\na/**/z');
    expect(r.ignores('keep.log', false)).toBe(false);
    expect(r.ignores('cache', true)).toBe(true);
    expect(r.ignores('cache', false)).toBe(false);
    expect(r.ignores('test/fixtures/x/y.txt', false)).toBe(true);
    expect(r.ignores('a/z', false)).toBe(true);
    expect(r.ignores('a/b/c/z', false)).toBe(true);
  });

  it('scope a nested ignore file to its folder', () => {
    const r = rules('secret.txt', 'pkg');
    expect(r.ignores('pkg/secret.txt', false)).toBe(true);
    expect(r.ignores('secret.txt', false)).toBe(false);
  });

  it('skip comments and blank lines, and honour escapes', () => {
    const r = rules('# comment\n\n\\#hash\n\\!bang');
    expect(r.ignores('#hash', false)).toBe(true);
    expect(r.ignores('!bang', false)).toBe(true);
    expect(r.ignores('comment', false)).toBe(false);
  });
});
