/**
 * @module access/approver-service — designated approvers of a resource, besides its owner (who always
 * approves). Admins add and remove them; removal is a status change (`removed_at`), kept for history.
 */
import type { Clock } from '../../core/clock.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { UUID_PATTERN } from '../../core/ids.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { findPersonByHandle, findPersonById } from '../people/people-store.ts';
import type { Person } from '../people/people-types.ts';
import { findResourceById, findResourceByName } from '../resources/resource-store.ts';
import type { Resource } from '../resources/resource-types.ts';
import type { Approver } from './access-types.ts';
import * as store from './approver-store.ts';

export interface ApproverService {
  list(actor: AnyActor, resourceRef: string): Promise<Approver[]>;
  add(actor: AnyActor, resourceRef: string, personRef: string): Promise<Approver[]>;
  remove(actor: AnyActor, resourceRef: string, personRef: string): Promise<Approver[]>;
}

/** @example const approvers = createApproverService({ db, clock, audit }); await approvers.add(actor, 'payments/api', 'olivia'); */
export function createApproverService(deps: { db: Database; clock: Clock; audit: AuditService }): ApproverService {
  const { db, clock, audit } = deps;
  const resourceOf = async (q: Queryable, ref: string, forUpdate = false): Promise<Resource> => {
    const r = UUID_PATTERN.test(ref) ? await findResourceById(q, ref, forUpdate) : await findResourceByName(q, ref, forUpdate);
    if (!r) throw new NotFoundError(`resource ${ref} not found`);
    return r;
  };
  const personOf = async (q: Queryable, ref: string, path: string): Promise<Person> => {
    const p = UUID_PATTERN.test(ref) ? await findPersonById(q, ref) : await findPersonByHandle(q, ref);
    if (!p) throw new ValidationError('unknown person', [{ path, message: `no person ${ref}` }]);
    return p;
  };
  const by = (actor: AnyActor) => (actor.kind === 'person' ? actor.personId : null);

  return {
    async list(actor, resourceRef) {
      assertPermitted(actor, 'resources.read');
      return store.listApprovers(db, (await resourceOf(db, resourceRef)).id);
    },

    async add(actor, resourceRef, personRef) {
      assertPermitted(actor, 'resources.write');
      return db.transaction(async (tx) => {
        const resource = await resourceOf(tx, resourceRef, true);
        if (resource.status !== 'active') throw new ConflictError(`resource ${resource.name} is retired`);
        const p = await personOf(tx, personRef, 'person');
        if (p.kind !== 'member' || (p.role !== 'approver' && p.role !== 'admin') || p.status !== 'active') {
          throw new ValidationError('not an eligible approver', [{ path: 'person', message: `${p.handle} must be an active member with the approver or admin role` }]);
        }
        if (p.id === resource.ownerId) throw new ConflictError(`${p.handle} owns ${resource.name} and approves its requests already`);
        if (await store.isDesignated(tx, resource.id, p.id)) return store.listApprovers(tx, resource.id);
        await store.upsertApprover(tx, resource.id, p.id, clock.now(), by(actor));
        await audit.record(tx, actor, {
          type: 'resource.approver_added', outcome: 'success', target: { type: 'resource', id: resource.id },
          details: { name: resource.name, personId: p.id, handle: p.handle },
        });
        return store.listApprovers(tx, resource.id);
      });
    },

    async remove(actor, resourceRef, personRef) {
      assertPermitted(actor, 'resources.write');
      return db.transaction(async (tx) => {
        const resource = await resourceOf(tx, resourceRef, true);
        const p = await personOf(tx, personRef, 'personRef');
        if (!(await store.removeApprover(tx, resource.id, p.id, clock.now(), by(actor)))) throw new NotFoundError(`${p.handle} is not a designated approver of ${resource.name}`);
        await audit.record(tx, actor, {
          type: 'resource.approver_removed', outcome: 'success', target: { type: 'resource', id: resource.id },
          details: { name: resource.name, personId: p.id, handle: p.handle },
        });
        return store.listApprovers(tx, resource.id);
      });
    },
  };
}
