/**
 * @module access/grant-service — reading and revoking grants. Grants are made only by approving a
 * request (request-service.ts, request-decisions.ts) and end by themselves at `endsAt`; extending
 * one means a new request. Admins revoke any grant, an approver only grants on resources they own.
 */
import type { Clock } from '../../core/clock.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { UUID_PATTERN } from '../../core/ids.ts';
import { decodeCursor, toPage, type Page } from '../../core/pagination.ts';
import type { Database } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { findResourceById } from '../resources/resource-store.ts';
import type { Grant, ListGrantsQuery } from './access-types.ts';
import { findGrant, listGrants } from './grant-store.ts';
import { ownOnly } from './request-service.ts';

export interface GrantService {
  list(actor: AnyActor, query: ListGrantsQuery): Promise<Page<Grant>>;
  get(actor: AnyActor, id: string): Promise<Grant>;
  revoke(actor: AnyActor, id: string, reason: string): Promise<Grant>;
}

/** @example const grants = createGrantService({ db, clock, audit }); await grants.revoke(actor, id, 'no longer needed'); */
export function createGrantService(deps: { db: Database; clock: Clock; audit: AuditService }): GrantService {
  const { db, clock, audit } = deps;
  return {
    async list(actor, query) {
      assertPermitted(actor, 'grants.read');
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (after !== null && (typeof after !== 'string' || !UUID_PATTERN.test(after))) throw new ValidationError('invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
      return toPage(await listGrants(db, query, after, ownOnly(actor), clock.now()), query.limit, (g) => g.id);
    },

    async get(actor, id) {
      assertPermitted(actor, 'grants.read');
      const g = await findGrant(db, id, clock.now());
      const only = ownOnly(actor);
      if (!g || (only !== null && g.personId !== only)) throw new NotFoundError(`grant ${id} not found`);
      return g;
    },

    async revoke(actor, id, reason) {
      assertPermitted(actor, 'grants.revoke');
      return db.transaction(async (tx) => {
        const now = clock.now();
        const g = await findGrant(tx, id, now, true);
        if (!g) throw new NotFoundError(`grant ${id} not found`);
        if (actor.kind === 'person' && actor.role !== 'admin') {
          const resource = await findResourceById(tx, g.resourceId);
          if (resource?.ownerId !== actor.personId) throw new ForbiddenError(`only an admin or the owner of ${g.resourceName} revokes its grants`);
        }
        if (g.state === 'revoked') throw new ConflictError(`the grant was already revoked on ${g.revokedAt!.toISOString()}`);
        if (g.state === 'expired') throw new ConflictError(`the grant already ended on ${g.endsAt.toISOString()}`);
        const by = actor.kind === 'person' ? actor.personId : null;
        await tx.query('UPDATE grants SET revoked_at = $2, revoked_by = $3, revoke_reason = $4 WHERE id = $1', [id, now, by, reason]);
        await audit.record(tx, actor, {
          type: 'grant.revoked', outcome: 'success', target: { type: 'grant', id }, engagementId: g.engagementId,
          details: { personId: g.personId, resourceId: g.resourceId, permission: g.permission, endsAt: g.endsAt.toISOString(), reason, bulk: false },
        });
        return (await findGrant(tx, id, now))!;
      });
    },
  };
}
