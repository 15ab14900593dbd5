/** @module git-gateway/push/allow-list.test — allow-list entries by fingerprint, path glob, or both. */
import { describe, expect, it } from 'vitest';
import { allowedBy, globToRegExp, pathPatternProblem } from './allow-list.ts';

const fp = 'ab'.repeat(32);

describe('path globs', () => {
  it('* stays in one folder, ** spans folders, ? is one character', () => {
    expect(globToRegExp('test/**').test('test/a/b/c.env')).toBe(true);
    expect(globToRegExp('**/fixtures/*.env').test('a/b/fixtures/x.env')).toBe(true);
    expect(globToRegExp('**/fixtures/*.env').test('fixtures/x.env')).toBe(true);
    expect(globToRegExp('*.env').test('dir/x.env')).toBe(false);
    expect(globToRegExp('doc?.md').test('docs.md')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });

  it('are refused when absolute, with . or .. components, or control characters', () => {
    expect(pathPatternProblem('/etc/x')).toMatch(/relative/);
    expect(pathPatternProblem('a/../b')).toMatch(/\.\./);
    expect(pathPatternProblem('a\nb')).toMatch(/control/);
    expect(pathPatternProblem('test/**')).toBeNull();
  });
});

describe('allow-list entries', () => {
  it('match by fingerprint, by path, or — with both — only when both match', () => {
    const finding = { file: 'test/fixtures/keys.env', fingerprint: fp };
    expect(allowedBy([{ id: 'f', fingerprint: fp, pathPattern: null }], finding)).toBe('f');
    expect(allowedBy([{ id: 'p', fingerprint: null, pathPattern: 'test/**' }], finding)).toBe('p');
    expect(allowedBy([{ id: 'both', fingerprint: fp, pathPattern: 'src/**' }], finding)).toBeNull();
    expect(allowedBy([{ id: 'other', fingerprint: 'cd'.repeat(32), pathPattern: null }], finding)).toBeNull();
    expect(allowedBy([{ id: 'empty', fingerprint: null, pathPattern: null }], finding)).toBeNull();
  });
});
