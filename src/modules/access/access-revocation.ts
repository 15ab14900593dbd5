/**
 * @module access/access-revocation — ending someone's access at once: every grant in a scope that
 * is still running is revoked and every pending request in it is cancelled, on the caller's
 * transaction, with one audit event per grant and per request. Engagement and people status
 * changes call this through their hooks (access-hooks.ts); nothing here commits on its own.
 */
import type { Clock } from '../../core/clock.ts';
import type { Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { revokeWhere } from './grant-store.ts';
import { closeRequest, findPendingIds } from './request-store.ts';

export interface AccessScope {
  personId?: string;
  engagementId?: string;
  resourceId?: string;
}

export type EndAccess = (tx: Queryable, actor: AnyActor, scope: AccessScope, reason: string) => Promise<{ revokedGrantIds: string[]; cancelledRequestIds: string[] }>;

/**
 * The function that ends access in a scope (see module doc).
 * @example const endAccess = createEndAccess({ clock, audit }); await endAccess(tx, actor, { engagementId }, 'engagement ended');
 */
export function createEndAccess(deps: { clock: Clock; audit: AuditService }): EndAccess {
  const { clock, audit } = deps;
  return async (tx, actor, scope, reason) => {
    const now = clock.now();
    const by = actor.kind === 'person' ? actor.personId : null;
    const revoked = await revokeWhere(tx, scope, by, reason, now);
    for (const g of revoked) {
      await audit.record(tx, actor, {
        type: 'grant.revoked',
        outcome: 'success',
        target: { type: 'grant', id: g.id },
        engagementId: g.engagementId,
        details: { personId: g.personId, resourceId: g.resourceId, permission: g.permission, endsAt: g.endsAt.toISOString(), reason, bulk: true },
      });
    }
    const cancelled: string[] = [];
    if (scope.personId || scope.engagementId || scope.resourceId) {
      for (const r of await findPendingIds(tx, scope)) {
        if (!(await closeRequest(tx, r.id, 'cancelled', reason, now))) continue;
        cancelled.push(r.id);
        await audit.record(tx, actor, {
          type: 'access_request.cancelled',
          outcome: 'success',
          target: { type: 'access_request', id: r.id },
          engagementId: r.engagementId,
          details: { personId: r.personId, reason },
        });
      }
    }
    return { revokedGrantIds: revoked.map((g) => g.id), cancelledRequestIds: cancelled };
  };
}
