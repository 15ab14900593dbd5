/**
 * @module access/request-decisions — approvers approve or deny pending requests. Approvers are the
 * resource's owner and its designated approvers (admins only if designated), never the requester
 * nor the developer the request is for; N distinct approvals grant, one denial denies. No approval
 * is accepted while the developer is not ready: the refusal is recorded, the request stays pending.
 */
import type { Clock } from '../../core/clock.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../core/errors.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { findEngagementById } from '../engagements/engagement-store.ts';
import { findResourceById } from '../resources/resource-store.ts';
import { readinessOn } from '../vetting/readiness-store.ts';
import type { AccessRequest } from './access-types.ts';
import { listApprovers } from './approver-store.ts';
import { issueGrant } from './grant-issue.ts';
import * as store from './request-store.ts';

export interface RequestDecisions {
  approve(actor: AnyActor, id: string, comment: string | undefined): Promise<AccessRequest>;
  deny(actor: AnyActor, id: string, comment: string): Promise<AccessRequest>;
}

/** The request, locked, if the actor may decide it now; throws otherwise. */
async function loadForDecision(tx: Queryable, actor: AnyActor, id: string): Promise<{ request: AccessRequest; approverId: string }> {
  if (actor.kind !== 'person') throw new ForbiddenError('only a person approves or denies access');
  const request = await store.findRequest(tx, id, true);
  if (!request) throw new NotFoundError(`access request ${id} not found`);
  if (request.status !== 'pending') throw new ConflictError(`the request is ${request.status}${request.statusReason ? ` (${request.statusReason})` : ''}; only a pending request can be decided`);
  if (request.personId === actor.personId) throw new ForbiddenError('nobody approves or denies a request for their own access');
  if (request.requestedBy === actor.personId) throw new ForbiddenError('the requester cannot approve or deny their own request');
  const approvers = await listApprovers(tx, request.resourceId);
  if (!approvers.some((a) => a.personId === actor.personId)) {
    throw new ForbiddenError(`you are not an approver of ${request.resourceName} (its owner and designated approvers are: ${approvers.map((a) => a.handle).join(', ')})`);
  }
  if (request.decisions.some((d) => d.approverId === actor.personId)) throw new ConflictError('you have already decided this request');
  return { request, approverId: actor.personId };
}

/** @example const decisions = createRequestDecisions({ db, clock, audit, expire }); await decisions.approve(actor, id, 'ok'); */
export function createRequestDecisions(deps: { db: Database; clock: Clock; audit: AuditService; expire: (scope: { id?: string }) => Promise<number> }): RequestDecisions {
  const { db, clock, audit, expire } = deps;
  const reload = async (q: Queryable, id: string) => (await store.findRequest(q, id))!;

  return {
    async approve(actor, id, comment) {
      assertPermitted(actor, 'access.decide');
      await expire({ id });
      const outcome = await db.transaction(async (tx) => {
        const { request, approverId } = await loadForDecision(tx, actor, id);
        const target = { type: 'access_request', id };
        const now = clock.now();
        // Readiness and the resource are checked again now: things change while a request waits.
        const readiness = (await readinessOn(tx, request.personId, request.engagementId, now))!;
        const resource = (await findResourceById(tx, request.resourceId))!;
        const problems = [...readiness.unmet.map((u) => u.message), ...(resource.status === 'active' ? [] : [`The resource ${resource.name} is retired.`])];
        if (problems.length) {
          // Committed on its own (nothing else changes): the refusal is part of the request's history.
          await audit.record(tx, actor, {
            type: 'access_request.approval_refused', outcome: 'denied', target, engagementId: request.engagementId,
            details: { personId: request.personId, resourceId: request.resourceId, reasons: problems },
          });
          return { refused: problems, request: null };
        }
        await store.insertDecision(tx, id, approverId, 'approve', comment ?? null, now);
        const approvals = request.approvals + 1;
        await audit.record(tx, actor, {
          type: 'access_request.decision_recorded', outcome: 'success', target, engagementId: request.engagementId,
          details: { personId: request.personId, resourceId: request.resourceId, decision: 'approve', comment: comment ?? null, approvals, approvalsRequired: request.approvalsRequired },
        });
        if (approvals >= request.approvalsRequired) {
          const engagement = (await findEngagementById(tx, request.engagementId))!;
          const grant = await issueGrant(tx, { clock, audit }, actor, request, engagement.endDate);
          await store.closeRequest(tx, id, 'approved', `approved by ${[...request.decisions.map((d) => d.approverHandle), actor.kind === 'person' ? actor.handle : ''].join(', ')}`, now, grant.id);
          await audit.record(tx, actor, {
            type: 'access_request.approved', outcome: 'success', target, engagementId: request.engagementId,
            details: { personId: request.personId, resourceId: request.resourceId, by: 'approvers', approvals, grantId: grant.id },
          });
        }
        return { refused: null, request: await reload(tx, id) };
      });
      if (outcome.refused) {
        throw new ConflictError(`cannot approve: the developer is not ready, and no grant becomes active while anything is unmet: ${outcome.refused.join(' ')} The request stays pending.`);
      }
      return outcome.request!;
    },

    async deny(actor, id, comment) {
      assertPermitted(actor, 'access.decide');
      await expire({ id });
      return db.transaction(async (tx) => {
        const { request, approverId } = await loadForDecision(tx, actor, id);
        const target = { type: 'access_request', id };
        const now = clock.now();
        await store.insertDecision(tx, id, approverId, 'deny', comment, now);
        const handle = actor.kind === 'person' ? actor.handle : 'system';
        await store.closeRequest(tx, id, 'denied', `denied by ${handle}: ${comment}`, now);
        await audit.record(tx, actor, {
          type: 'access_request.decision_recorded', outcome: 'success', target, engagementId: request.engagementId,
          details: { personId: request.personId, resourceId: request.resourceId, decision: 'deny', comment },
        });
        await audit.record(tx, actor, {
          type: 'access_request.denied', outcome: 'denied', target, engagementId: request.engagementId,
          details: { personId: request.personId, resourceId: request.resourceId, by: 'approver', approverId, comment },
        });
        return reload(tx, id);
      });
    },
  };
}
