/**
 * @module access/request-policy — the seam where a policy decides what happens to an access
 * request: deny it, grant it at once, or ask N approvers. The access-request service calls
 * `evaluateRequest` once, when the request is made, after its own checks (resource active, the
 * developer on the engagement, duration within the environment's maximum). The composition root
 * chooses the implementation: `defaultRequestPolicy` below, or a Cedar-backed one.
 *
 * Stability contract (other modules implement this interface):
 * - `evaluateRequest` must not write to the database and must not throw for a well-formed input;
 *   an implementation that cannot decide answers `deny` with the reason.
 * - `approvalsRequired` is 0 for `auto_approve` and `deny`, ≥ 1 for `require_approval`.
 * - `reasons` are plain sentences shown to the developer and recorded in the request's `decision`
 *   and in the audit event; `policyIds` name the rules that produced the answer.
 * - Readiness is computed by the caller (vetting/readiness-fns.ts); a policy must deny when
 *   `readiness.ready` is false. Approval re-checks readiness before any grant becomes active.
 * - New optional input fields may be added; existing ones keep their meaning.
 */
import type { Duty } from '../engagements/engagement-fns.ts';
import type { Engagement } from '../engagements/engagement-types.ts';
import type { Person } from '../people/people-types.ts';
import type { Resource } from '../resources/resource-types.ts';
import type { Readiness } from '../vetting/readiness-fns.ts';

export const PERMISSION_LEVELS = ['read', 'write', 'admin'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

export { DUTIES, type Duty } from '../engagements/engagement-fns.ts';

export interface RequestPolicyInput {
  /** The developer who would hold the grant. */
  person: Person;
  engagement: Engagement;
  resource: Resource;
  permission: PermissionLevel;
  durationSeconds: number;
  readiness: Readiness;
  /** The developer's role on this engagement (`engagement_developers.duty`); null when not stated. */
  duty: Duty | null;
  /** Who made the request: the developer themself or an admin acting for them. */
  requestedBy: { id: string; role: string } | null;
  now: Date;
}

export interface RequestPolicyDecision {
  outcome: 'deny' | 'auto_approve' | 'require_approval';
  approvalsRequired: number;
  reasons: string[];
  policyIds: string[];
}

export interface RequestPolicy {
  evaluateRequest(input: RequestPolicyInput): Promise<RequestPolicyDecision>;
}

/** The longest auto-approved read on a development resource. */
export const AUTO_APPROVE_MAX_SECONDS = 8 * 3600;

/**
 * The built-in policy, encoding the product brief:
 * 1. deny when the developer is not ready (every unmet requirement is a reason);
 * 2. deny external developers anything on production restricted data;
 * 3. deny frontend developers databases (an exception needs a policy that says so — Cedar);
 * 4. auto-approve read on development resources for at most 8 hours;
 * 5. otherwise require approvals: 2 on production, 1 elsewhere.
 * @example await defaultRequestPolicy.evaluateRequest(input) // { outcome: 'require_approval', approvalsRequired: 1, … }
 */
export const defaultRequestPolicy: RequestPolicy = {
  async evaluateRequest(i) {
    const deny = (policyId: string, reasons: string[]): RequestPolicyDecision => ({ outcome: 'deny', approvalsRequired: 0, reasons, policyIds: [policyId] });
    if (!i.readiness.ready) return deny('default.readiness', i.readiness.unmet.map((u) => u.message));
    const r = i.resource;
    if (i.person.kind === 'external' && r.environment === 'production' && r.sensitivity === 'restricted') {
      return deny('default.no-external-production-restricted', [`External developers never get access to production restricted data (${r.name}).`]);
    }
    if (i.duty === 'frontend' && r.kind === 'database') {
      return deny('default.frontend-no-database', [`${i.person.handle} works on the frontend of this engagement; frontend developers do not get databases (${r.name}) without an explicit exception.`]);
    }
    if (i.permission === 'read' && r.environment === 'development' && i.durationSeconds <= AUTO_APPROVE_MAX_SECONDS) {
      return { outcome: 'auto_approve', approvalsRequired: 0, reasons: ['Read access to a development resource for at most 8 hours is approved automatically.'], policyIds: ['default.auto-approve-development-read'] };
    }
    const n = r.environment === 'production' ? 2 : 1;
    return {
      outcome: 'require_approval',
      approvalsRequired: n,
      reasons: [`${r.environment[0]!.toUpperCase()}${r.environment.slice(1)} access needs ${n} approval${n === 1 ? '' : 's'} from the owner or designated approvers of ${r.name}.`],
      policyIds: ['default.approvals'],
    };
  },
};
