import { describe, expect, it } from 'vitest';
import type { RequestPolicyInput } from '../access/request-policy.ts';
import type { Engagement } from '../engagements/engagement-types.ts';
import type { Person } from '../people/people-types.ts';
import type { Resource } from '../resources/resource-types.ts';
import { compilePolicySet, DEFAULT_POLICY_TEXT, sha256Hex, type CompiledPolicySet } from './cedar-engine.ts';
import { createCedarRequestPolicy } from './cedar-request-policy.ts';

const HOUR = 3600;

const policyFor = (text: string) => {
  const set = compilePolicySet(text) as CompiledPolicySet;
  return createCedarRequestPolicy({ policies: { inForce: async () => ({ version: 1, sha256: sha256Hex(text), set, problems: [] }) } });
};
const policy = policyFor(DEFAULT_POLICY_TEXT);

function input(over: { resource?: Partial<Resource>; person?: Partial<Person> } & Partial<Omit<RequestPolicyInput, 'resource' | 'person'>> = {}): RequestPolicyInput {
  const { resource, person, ...rest } = over;
  return {
    person: { id: 'p1', handle: 'priya', kind: 'external', role: 'developer', status: 'active', vendorId: null, ...person } as Person,
    engagement: { id: 'e1', name: 'Checkout rewrite', status: 'active', startDate: '2026-03-01', endDate: '2026-12-31' } as Engagement,
    resource: { id: 'r1', name: 'payments/api', kind: 'git_repository', environment: 'staging', sensitivity: 'internal', status: 'active', ownerHandle: 'olivia', labels: {}, ...resource } as Resource,
    permission: 'read',
    durationSeconds: 8 * HOUR,
    readiness: { personId: 'p1', handle: 'priya', engagementId: 'e1', ready: true, unmet: [] },
    duty: 'backend',
    requestedBy: { id: 'p1', role: 'developer' },
    now: new Date('2026-03-02T10:00:00Z'),
    ...rest,
  };
}

describe('the Cedar request policy with the default policies', () => {
  it('asks one approval on staging and two on production, from the matching permits', async () => {
    expect(await policy.evaluateRequest(input())).toMatchObject({ outcome: 'require_approval', approvalsRequired: 1, policyIds: ['developers-may-request'] });
    const prod = await policy.evaluateRequest(input({ resource: { environment: 'production' } }));
    expect(prod).toMatchObject({ outcome: 'require_approval', approvalsRequired: 2 });
    expect(prod.reasons).toContain('2 approvals needed from the owner or designated approvers of payments/api');
  });

  it('approves short development reads at once and nothing longer', async () => {
    expect(await policy.evaluateRequest(input({ resource: { environment: 'development' }, durationSeconds: 2 * HOUR }))).toMatchObject({
      outcome: 'auto_approve', approvalsRequired: 0, policyIds: ['auto-approve-short-development-read'],
    });
    expect((await policy.evaluateRequest(input({ resource: { environment: 'development' }, durationSeconds: 9 * HOUR }))).outcome).toBe('require_approval');
    expect((await policy.evaluateRequest(input({ resource: { environment: 'development' }, permission: 'write', durationSeconds: HOUR }))).outcome).toBe('require_approval');
  });

  it('denies restricted production data and backend databases for frontend developers, saying why', async () => {
    expect(await policy.evaluateRequest(input({ resource: { environment: 'production', sensitivity: 'restricted' } }))).toEqual({
      outcome: 'deny', approvalsRequired: 0, policyIds: ['no-external-restricted-production'],
      reasons: ['external developers never get restricted production data (policy no-external-restricted-production)'],
    });
    const front = await policy.evaluateRequest(input({ duty: 'frontend', resource: { kind: 'database' } }));
    expect(front).toMatchObject({ outcome: 'deny', policyIds: ['frontend-no-backend-databases'] });
    expect((await policy.evaluateRequest(input({ duty: 'frontend', resource: { kind: 'database', labels: { tier: 'frontend' } } }))).outcome).toBe('require_approval');
  });

  it('denies a developer who is not ready with every unmet requirement, even if the policies forgot to', async () => {
    const unready = { personId: 'p1', handle: 'priya', engagementId: 'e1', ready: false, unmet: [{ requirement: 'nda' as const, message: 'The NDA is not signed.' }] };
    const d = await policy.evaluateRequest(input({ readiness: unready }));
    expect(d).toMatchObject({ outcome: 'deny', policyIds: ['readiness-required'] });
    expect(d.reasons).toContain('The NDA is not signed.');
    const lenient = policyFor('permit (principal, action, resource);');
    expect(await lenient.evaluateRequest(input({ readiness: unready }))).toMatchObject({ outcome: 'deny', policyIds: ['palisade.readiness-required'], reasons: ['The NDA is not signed.'] });
  });

  it('reads the approval count from @approvals, the highest among the matching permits', async () => {
    const three = policyFor(`${DEFAULT_POLICY_TEXT}\n@id("payments-three")\n@approvals("3")\npermit (principal, action == Palisade::Action::"RequestAccess", resource) when { resource.name like "payments/*" };\n`);
    expect(await three.evaluateRequest(input())).toMatchObject({ approvalsRequired: 3, policyIds: expect.arrayContaining(['developers-may-request', 'payments-three']) });
  });

  it('denies everything when the set in force does not validate', async () => {
    const broken = createCedarRequestPolicy({ policies: { inForce: async () => ({ version: 4, sha256: 'x', set: null, problems: [] }) } });
    expect(await broken.evaluateRequest(input())).toMatchObject({ outcome: 'deny', reasons: [expect.stringMatching(/version 4\) does not validate/)] });
  });
});
