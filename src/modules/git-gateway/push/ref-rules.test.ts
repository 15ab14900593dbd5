/** @module git-gateway/push/ref-rules.test — protected refs and contribution patterns, decided per ref update. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROTECTED_REFS, refMatches, refNameProblem, refPatternProblem, refRefusal, type RefRules } from './ref-rules.ts';

const ext = { handle: 'ann', kind: 'external' as const };
const member = { handle: 'mo', kind: 'member' as const };
const defaults: RefRules = { protectedRefs: DEFAULT_PROTECTED_REFS, contribPattern: null };
const contrib: RefRules = { protectedRefs: DEFAULT_PROTECTED_REFS, contribPattern: 'refs/heads/contrib/<handle>/*' };

describe('ref patterns', () => {
  it('match whole ref names, with * standing for one or more characters across slashes', () => {
    expect(refMatches('refs/heads/main', 'refs/heads/main')).toBe(true);
    expect(refMatches('refs/heads/main', 'refs/heads/main2')).toBe(false);
    expect(refMatches('refs/tags/*', 'refs/tags/v1/rc.1')).toBe(true);
    expect(refMatches('refs/tags/*', 'refs/tags/')).toBe(false);
    expect(refMatches('refs/heads/release-*', 'refs/heads/release-1.2')).toBe(true);
    expect(refMatches('refs/heads/a.b', 'refs/heads/aXb')).toBe(false);
  });

  it('are validated: refs/ prefix, no forbidden characters, <handle> only (and required) in the contribution pattern', () => {
    expect(refPatternProblem('refs/heads/contrib/<handle>/*', { contrib: true })).toBeNull();
    expect(refPatternProblem('refs/heads/contrib/*', { contrib: true })).toMatch(/<handle>/);
    expect(refPatternProblem('refs/heads/<handle>', { contrib: false })).toMatch(/only allowed/);
    expect(refPatternProblem('heads/main', { contrib: false })).toMatch(/refs\//);
    expect(refPatternProblem('refs/heads/a b', { contrib: false })).toMatch(/character/);
    expect(refPatternProblem('refs/heads/**', { contrib: false })).toMatch(/single/);
    expect(refNameProblem('refs/heads/x..y')).toMatch(/\.\./);
    expect(refNameProblem('refs/heads/x.lock')).toMatch(/lock/);
    expect(refNameProblem('refs/heads/feature/x')).toBeNull();
  });
});

describe('ref rules', () => {
  it('refuse every change to a protected ref by an external developer', () => {
    expect(refRefusal(defaults, ext, { ref: 'refs/heads/main', kind: 'update', forced: false })).toBe('protected ref: external developers cannot update it');
    expect(refRefusal(defaults, ext, { ref: 'refs/tags/v1', kind: 'create', forced: false })).toBe('protected ref: external developers cannot create it');
    expect(refRefusal(defaults, ext, { ref: 'refs/tags/v1', kind: 'delete', forced: false })).toBe('protected ref: deletion refused');
    expect(refRefusal(defaults, ext, { ref: 'refs/heads/main', kind: 'update', forced: true })).toBe('protected ref: force-push refused');
  });

  it('let members fast-forward protected refs but let nobody delete or force-push them', () => {
    expect(refRefusal(defaults, member, { ref: 'refs/heads/main', kind: 'update', forced: false })).toBeNull();
    expect(refRefusal(defaults, member, { ref: 'refs/tags/v2', kind: 'create', forced: false })).toBeNull();
    expect(refRefusal(defaults, member, { ref: 'refs/heads/main', kind: 'update', forced: true })).toBe('protected ref: force-push refused');
    expect(refRefusal(defaults, member, { ref: 'refs/tags/v1', kind: 'delete', forced: false })).toBe('protected ref: deletion refused');
  });

  it('without a contribution pattern, let external developers create, force-push and delete unprotected branches', () => {
    for (const kind of ['create', 'update', 'delete'] as const) {
      expect(refRefusal(defaults, ext, { ref: 'refs/heads/feature', kind, forced: kind === 'update' })).toBeNull();
    }
  });

  it('with a contribution pattern, confine external developers to their own namespace (members are not confined)', () => {
    expect(refRefusal(contrib, ext, { ref: 'refs/heads/contrib/ann/x', kind: 'create', forced: false })).toBeNull();
    expect(refRefusal(contrib, ext, { ref: 'refs/heads/contrib/ann/x', kind: 'update', forced: true })).toBeNull();
    expect(refRefusal(contrib, ext, { ref: 'refs/heads/contrib/bob/x', kind: 'create', forced: false })).toBe('outside your contribution refs refs/heads/contrib/ann/*');
    expect(refRefusal(contrib, ext, { ref: 'refs/heads/feature', kind: 'create', forced: false })).toMatch(/^outside/);
    expect(refRefusal(contrib, member, { ref: 'refs/heads/feature', kind: 'create', forced: false })).toBeNull();
  });

  it('let protection win over a contribution pattern that overlaps it', () => {
    const overlapping: RefRules = { protectedRefs: ['refs/heads/contrib/*/release'], contribPattern: 'refs/heads/contrib/<handle>/*' };
    expect(refRefusal(overlapping, ext, { ref: 'refs/heads/contrib/ann/release', kind: 'create', forced: false })).toMatch(/^protected/);
  });
});
