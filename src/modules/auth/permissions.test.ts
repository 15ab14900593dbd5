import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../core/errors.ts';
import type { Actor } from './actor.ts';
import { systemActor } from './actor.ts';
import { assertPermitted, isPermitted, PERMISSIONS } from './permissions.ts';

const as = (role: Actor['role']): Actor => ({
  kind: 'person', personId: 'p', handle: 'h', role, tokenId: 't', scopes: ['api'], ip: null, userAgent: null, requestId: null,
});

describe('permissions', () => {
  it('grant admin everything except nothing', () => {
    for (const p of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) expect(isPermitted(as('admin'), p)).toBe(true);
  });

  it('keep auditors read-only', () => {
    expect(isPermitted(as('auditor'), 'audit.read')).toBe(true);
    expect(isPermitted(as('auditor'), 'people.write')).toBe(false);
    expect(isPermitted(as('auditor'), 'engagements.write')).toBe(false);
  });

  it('keep developers away from the directory and the audit log', () => {
    expect(isPermitted(as('developer'), 'people.read')).toBe(false);
    expect(isPermitted(as('developer'), 'audit.read')).toBe(false);
    expect(() => assertPermitted(as('developer'), 'resources.write')).toThrow(ForbiddenError);
  });

  it('let the system actor act', () => {
    expect(() => assertPermitted(systemActor, 'people.write')).not.toThrow();
  });
});
