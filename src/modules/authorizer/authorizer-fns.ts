/**
 * @module authorizer/authorizer-fns — the pure parts of a decision: which grants are effective and
 * cover an action, which engagement a question is about, and the reasons in words.
 */
import { changeAt, type TimeWindow } from '../../core/time-window.ts';
import type { PermissionLevel } from '../access/request-policy.ts';
import type { CedarAnswer, CompiledPolicySet } from '../policy/cedar-engine.ts';
import type { CachedGrant, PersonFacts } from './authz-facts.ts';

/** admin includes write, write includes read. */
const RANK: Record<PermissionLevel, number> = { read: 1, write: 2, admin: 3 };

/**
 * Whether a grant of `granted` covers `action`.
 * @example covers('write', 'read') // true
 */
export function covers(granted: PermissionLevel, action: PermissionLevel): boolean {
  return RANK[granted] >= RANK[action];
}

/**
 * Whether a grant is effective at `now`: started, not ended (it was unrevoked when loaded). The same
 * rule as access/grant-store.ts findEffectiveGrants: `starts_at <= now < ends_at`.
 * @example isEffective(grant, clock.now())
 */
export function isEffective(g: Pick<CachedGrant, 'startsAt' | 'endsAt'>, now: Date): boolean {
  const t = now.getTime();
  return g.startsAt.getTime() <= t && t < g.endsAt.getTime();
}

/**
 * The person's effective grants on the resource that cover the action, longest-running first.
 * @example effectiveGrantsFor(person, resourceId, 'read', now)[0]?.id
 */
export function effectiveGrantsFor(person: PersonFacts, resourceId: string, action: PermissionLevel, now: Date): CachedGrant[] {
  return person.grants
    .filter((g) => g.resourceId === resourceId && covers(g.permission, action) && isEffective(g, now))
    .sort((a, b) => b.endsAt.getTime() - a.endsAt.getTime() || (a.id < b.id ? -1 : 1));
}

/**
 * Narrow `w` to the moments at which the person's grants on the resource are in the same state as
 * at `w.at` (each started or not, ended or not): what effectiveGrantsFor and noGrantReason read.
 * @example narrowToGrants(person, resourceId, w)
 */
export function narrowToGrants(person: PersonFacts, resourceId: string, w: TimeWindow): void {
  for (const g of person.grants) {
    if (g.resourceId !== resourceId) continue;
    changeAt(w, g.startsAt.getTime());
    changeAt(w, g.endsAt.getTime());
  }
}

/**
 * Without an effective grant, the engagement to evaluate the policies with: the one of the most
 * recent grant on this resource, else an engagement the person is on (the first by id), else none.
 * @example engagementForQuestion(person, resourceId) // '0193…' | null
 */
export function engagementForQuestion(person: PersonFacts, resourceId: string): string | null {
  const recent = person.grants.find((g) => g.resourceId === resourceId && person.engagements.has(g.engagementId));
  if (recent) return recent.engagementId;
  return [...person.engagements.keys()].sort()[0] ?? null;
}

/**
 * A sentence for why there is no effective grant: an ended or not-yet-started one is named.
 * @example noGrantReason(person, 'payments/api', resourceId, 'read', now)
 */
export function noGrantReason(person: PersonFacts, resourceName: string, resourceId: string, action: PermissionLevel, now: Date): string {
  const onResource = person.grants.filter((g) => g.resourceId === resourceId && covers(g.permission, action));
  const ended = onResource.filter((g) => g.endsAt.getTime() <= now.getTime()).sort((a, b) => b.endsAt.getTime() - a.endsAt.getTime())[0];
  const future = onResource.filter((g) => g.startsAt.getTime() > now.getTime())[0];
  const base = `no effective grant gives ${person.handle} ${action} on ${resourceName}`;
  if (ended) return `${base}: grant ${ended.id} ended at ${ended.endsAt.toISOString()}`;
  if (future) return `${base}: grant ${future.id} starts at ${future.startsAt.toISOString()}`;
  return base;
}

/**
 * The reason of one policy: its @reason annotation and its id.
 * @example policyReason(set, 'no-external-restricted-production')
 *   // 'external developers never get restricted production data (policy no-external-restricted-production)'
 */
export function policyReason(set: CompiledPolicySet, id: string): string {
  const reason = set.reasons.get(id);
  return reason ? `${reason} (policy ${id})` : `policy ${id} ${set.effects.get(id) === 'forbid' ? 'forbids it' : 'permits it'}`;
}

/**
 * Cedar's answer, failing closed: a forbid that could not be evaluated denies (Cedar itself would
 * skip it, which could turn a deny into an allow).
 * @example const { decision, forbidErrors } = failClosed(set, answer);
 */
export function failClosed(set: CompiledPolicySet, answer: CedarAnswer): { decision: 'allow' | 'deny'; forbidErrors: string[] } {
  const forbidErrors = answer.errors.filter((e) => set.effects.get(e.policyId) === 'forbid').map((e) => `policy ${e.policyId} could not be evaluated (${e.message}); denying to be safe`);
  return { decision: forbidErrors.length > 0 ? 'deny' : answer.decision, forbidErrors };
}
