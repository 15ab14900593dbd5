/**
 * @module reviews/review-revoke — revoking one grant on the review's own transaction, so the
 * decision, the revocation and both audit events commit together. The access module's grant
 * service revokes in a transaction of its own and its bulk `revokeWhere` works on whole scopes, so
 * this writes the `grants` row here, the same way, with the same `grant.revoked` event shape
 * (plus `review`). The authz epoch trigger makes every authorizer see it at the next decision.
 */
import type { Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';

/**
 * Revoke the grant if it is still running; returns false (and records nothing) when it had already
 * been revoked or had ended.
 * @example await revokeForReview(tx, audit, actor, { grantId, reason, now, review: { campaignId, itemId } });
 */
export async function revokeForReview(
  tx: Queryable,
  audit: AuditService,
  actor: AnyActor,
  r: { grantId: string; reason: string; now: Date; review: { campaignId: string; itemId: string; campaignName: string } },
): Promise<boolean> {
  const [g] = await tx.query<{ id: string; person_id: string; engagement_id: string; resource_id: string; permission: string; ends_at: Date }>(
    `UPDATE grants SET revoked_at = $2, revoked_by = $3, revoke_reason = $4
     WHERE id = $1 AND revoked_at IS NULL AND ends_at > $2
     RETURNING id, person_id, engagement_id, resource_id, permission, ends_at`,
    [r.grantId, r.now, actor.kind === 'person' ? actor.personId : null, r.reason],
  );
  if (!g) return false;
  await audit.record(tx, actor, {
    type: 'grant.revoked',
    outcome: 'success',
    target: { type: 'grant', id: g.id },
    engagementId: g.engagement_id,
    details: {
      personId: g.person_id, resourceId: g.resource_id, permission: g.permission, endsAt: g.ends_at.toISOString(),
      reason: r.reason, bulk: false, review: r.review,
    },
  });
  return true;
}
