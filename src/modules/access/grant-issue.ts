/** @module access/grant-issue — turning an approved request into a grant, on the approving transaction. */
import type { Clock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { insertGrant, type NewGrant } from './grant-store.ts';
import type { PermissionLevel } from './request-policy.ts';

/**
 * When a grant must end at the latest: the end of the engagement's last day (UTC), because
 * nothing is granted outside the engagement's dates.
 * @example engagementEndsAt('2026-12-31') // 2027-01-01T00:00:00.000Z
 */
export function engagementEndsAt(endDate: string): Date {
  return new Date(new Date(`${endDate}T00:00:00Z`).getTime() + 86_400_000);
}

/**
 * Create the grant of an approved request (starts now, ends after its duration or at the end of
 * the engagement, whichever is first) and record `grant.created`. Returns the grant.
 * @example const grant = await issueGrant(tx, { clock, audit }, actor, request, engagement.endDate);
 */
export async function issueGrant(
  tx: Queryable,
  deps: { clock: Clock; audit: AuditService },
  actor: AnyActor,
  request: { id: string; personId: string; engagementId: string; resourceId: string; resourceName: string; permission: PermissionLevel; durationSeconds: number },
  engagementEndDate: string,
): Promise<NewGrant> {
  const now = deps.clock.now();
  const wanted = now.getTime() + request.durationSeconds * 1000;
  const cap = engagementEndsAt(engagementEndDate).getTime();
  const grant: NewGrant = {
    id: newId(),
    personId: request.personId,
    engagementId: request.engagementId,
    resourceId: request.resourceId,
    permission: request.permission,
    requestId: request.id,
    startsAt: now,
    endsAt: new Date(Math.min(wanted, cap)),
    createdAt: now,
  };
  await insertGrant(tx, grant);
  await deps.audit.record(tx, actor, {
    type: 'grant.created',
    outcome: 'success',
    target: { type: 'grant', id: grant.id },
    engagementId: grant.engagementId,
    details: {
      requestId: request.id, personId: grant.personId, resourceId: grant.resourceId, resourceName: request.resourceName, permission: grant.permission,
      startsAt: grant.startsAt.toISOString(), endsAt: grant.endsAt.toISOString(), cappedByEngagementEnd: wanted > cap,
    },
  });
  return grant;
}
