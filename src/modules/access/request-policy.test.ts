import { describe, expect, it } from 'vitest';
import type { Engagement } from '../engagements/engagement-types.ts';
import type { Person } from '../people/people-types.ts';
import type { Resource } from '../resources/resource-types.ts';
import { defaultRequestPolicy, type RequestPolicyInput } from './request-policy.ts';

const HOUR = 3600;

function input(over: { resource?: Partial<Resource>; person?: Partial<Person> } & Partial<Omit<RequestPolicyInput, 'resource' | 'person'>> = {}): RequestPolicyInput {
  const { resource, person, ...rest } = over;
  return {
    person: { id: 'p1', handle: 'priya', kind: 'external', role: 'developer', ...person } as Person,
    engagement: { id: 'e1', name: 'Checkout rewrite' } as Engagement,
    resource: { id: 'r1', name: 'payments/api', kind: 'git_repository', environment: 'staging', sensitivity: 'internal', ...resource } as Resource,
    permission: 'read',
    durationSeconds: 8 * HOUR,
    readiness: { personId: 'p1', handle: 'priya', engagementId: 'e1', ready: true, unmet: [] },
    duty: 'backend',
    requestedBy: { id: 'p1', role: 'developer' },
    now: new Date('2026-03-02T10:00:00Z'),
    ...rest,
  };
}

describe('the default request policy', () => {
  it('denies a developer who is not ready, giving every unmet requirement as a reason', async () => {
    const d = await defaultRequestPolicy.evaluateRequest(input({
      readiness: { personId: 'p1', handle: 'priya', engagementId: 'e1', ready: false, unmet: [{ requirement: 'nda', message: 'The NDA is not signed.' }, { requirement: 'training', message: 'Training missing.' }] },
    }));
    expect(d).toEqual({ outcome: 'deny', approvalsRequired: 0, reasons: ['The NDA is not signed.', 'Training missing.'], policyIds: ['default.readiness'] });
  });

  it('denies external developers production restricted data, whatever the permission or duration', async () => {
    for (const permission of ['read', 'write', 'admin'] as const) {
      const d = await defaultRequestPolicy.evaluateRequest(input({ permission, durationSeconds: 60, resource: { environment: 'production', sensitivity: 'restricted' } }));
      expect(d.outcome).toBe('deny');
      expect(d.policyIds).toEqual(['default.no-external-production-restricted']);
    }
    expect((await defaultRequestPolicy.evaluateRequest(input({ resource: { environment: 'production', sensitivity: 'confidential' } }))).outcome).toBe('require_approval');
  });

  it('denies frontend developers databases', async () => {
    const d = await defaultRequestPolicy.evaluateRequest(input({ duty: 'frontend', resource: { kind: 'database', environment: 'development' } }));
    expect(d).toMatchObject({ outcome: 'deny', policyIds: ['default.frontend-no-database'] });
    expect((await defaultRequestPolicy.evaluateRequest(input({ duty: 'backend', resource: { kind: 'database', environment: 'development' } }))).outcome).toBe('auto_approve');
  });

  it('approves read on development resources for up to 8 hours at once, and nothing more', async () => {
    const dev = { resource: { environment: 'development' as const } };
    expect(await defaultRequestPolicy.evaluateRequest(input({ ...dev, durationSeconds: 8 * HOUR }))).toMatchObject({ outcome: 'auto_approve', approvalsRequired: 0 });
    expect(await defaultRequestPolicy.evaluateRequest(input({ ...dev, durationSeconds: 8 * HOUR + 1 }))).toMatchObject({ outcome: 'require_approval', approvalsRequired: 1 });
    expect(await defaultRequestPolicy.evaluateRequest(input({ ...dev, permission: 'write', durationSeconds: HOUR }))).toMatchObject({ outcome: 'require_approval', approvalsRequired: 1 });
  });

  it('asks two approvers on production and one elsewhere', async () => {
    expect(await defaultRequestPolicy.evaluateRequest(input({ resource: { environment: 'production' } }))).toMatchObject({ outcome: 'require_approval', approvalsRequired: 2, policyIds: ['default.approvals'] });
    expect(await defaultRequestPolicy.evaluateRequest(input({ resource: { environment: 'staging' } }))).toMatchObject({ outcome: 'require_approval', approvalsRequired: 1 });
  });
});
