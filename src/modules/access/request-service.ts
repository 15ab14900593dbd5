/**
 * @module access/request-service — access requests: a developer (or an admin for them) asks for a
 * permission on a resource for a time, with a justification; the request policy denies it,
 * approves it at once, or sends it to N approvers (request-decisions.ts). Pending requests expire,
 * checked on every read and decision and by the sweeper. Every change and its audit events commit
 * in one transaction; the history stays readable for good.
 */
import type { Clock } from '../../core/clock.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { newId, UUID_PATTERN } from '../../core/ids.ts';
import { decodeCursor, toPage, type Page } from '../../core/pagination.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { systemActor, type AnyActor } from '../auth/actor.ts';
import { assertPermitted, isPermitted } from '../auth/permissions.ts';
import { loadVisible } from '../engagements/engagement-access.ts';
import { findPersonById } from '../people/people-store.ts';
import { findResourceById, findResourceByName } from '../resources/resource-store.ts';
import type { Resource } from '../resources/resource-types.ts';
import { readinessOn } from '../vetting/readiness-store.ts';
import type { AccessRequest, CreateAccessRequestInput, ListAccessRequestsQuery } from './access-types.ts';
import { listApprovers } from './approver-store.ts';
import { describeDuration, formatIsoDuration } from './duration-fns.ts';
import { issueGrant } from './grant-issue.ts';
import { createRequestDecisions, type RequestDecisions } from './request-decisions.ts';
import type { Duty, RequestPolicy } from './request-policy.ts';
import * as store from './request-store.ts';
import { loadAccessSettings } from './settings-store.ts';

export interface AccessRequestService extends RequestDecisions {
  create(actor: AnyActor, input: CreateAccessRequestInput): Promise<AccessRequest>;
  get(actor: AnyActor, id: string): Promise<AccessRequest>;
  /** Developers see requests for or by themselves; `pendingFor: 'me'` is an approver's inbox. */
  list(actor: AnyActor, query: ListAccessRequestsQuery): Promise<Page<AccessRequest>>;
  /** Requests for or by the caller, whatever their role. */
  mine(actor: AnyActor, query: ListAccessRequestsQuery): Promise<Page<AccessRequest>>;
  /** The requester, the developer it is for, or an admin withdraws a pending request. */
  cancel(actor: AnyActor, id: string, reason: string | undefined): Promise<AccessRequest>;
  /** Expire every pending request whose time ran out, one `access_request.expired` event each. Returns how many. */
  expireDue(): Promise<number>;
}

export interface AccessRequestDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  policy: RequestPolicy;
}

/** Whether the actor sees only their own requests and grants. */
export const ownOnly = (actor: AnyActor): string | null => (actor.kind === 'person' && actor.role === 'developer' ? actor.personId : null);

/** @example const requests = createAccessRequestService({ db, clock, audit, policy: defaultRequestPolicy }); */
export function createAccessRequestService(deps: AccessRequestDeps): AccessRequestService {
  const { db, clock, audit, policy } = deps;

  const expire = async (scope: { id?: string } = {}): Promise<number> =>
    db.transaction(async (tx) => {
      const expired = await store.expirePending(tx, clock.now(), scope);
      for (const r of expired) {
        await audit.record(tx, systemActor, {
          type: 'access_request.expired',
          outcome: 'success',
          target: { type: 'access_request', id: r.id },
          engagementId: r.engagementId,
          details: { personId: r.personId, resourceId: r.resourceId, expiresAt: r.expiresAt.toISOString() },
        });
      }
      return expired.length;
    });

  const loadResource = async (q: Queryable, ref: string): Promise<Resource> => {
    const r = UUID_PATTERN.test(ref) ? await findResourceById(q, ref) : await findResourceByName(q, ref);
    if (!r) throw new ValidationError('unknown resource', [{ path: 'resource', message: `no resource ${ref}` }]);
    return r;
  };

  const reload = async (q: Queryable, id: string) => (await store.findRequest(q, id))!;

  const parseCursor = (cursor: string | undefined) => {
    const after = cursor === undefined ? null : decodeCursor(cursor);
    if (after !== null && (typeof after !== 'string' || !UUID_PATTERN.test(after))) throw new ValidationError('invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
    return after;
  };

  const create: AccessRequestService['create'] = async (actor, input) => {
    assertPermitted(actor, 'access.request');
    const self = actor.kind === 'person' ? actor.personId : null;
    const personId = input.personId ?? self;
    if (!personId) throw new ValidationError('personId is required', [{ path: 'personId', message: 'say whom the request is for' }]);
    if (personId !== self && actor.kind === 'person' && actor.role !== 'admin') throw new ForbiddenError('developers request access only for themselves');
    await expire();
    return db.transaction(async (tx) => {
      const engagement = await loadVisible(tx, actor, input.engagementId);
      const person = await findPersonById(tx, personId);
      if (!person) throw new ValidationError('unknown person', [{ path: 'personId', message: 'no such person' }]);
      const [dev] = await tx.query<{ duty: Duty | null }>('SELECT duty FROM engagement_developers WHERE engagement_id = $1 AND person_id = $2', [engagement.id, person.id]);
      if (!dev) throw new ConflictError(`${person.handle} is not a developer on the engagement "${engagement.name}"`);
      const resource = await loadResource(tx, input.resource);
      if (resource.status !== 'active') throw new ConflictError(`resource ${resource.name} is retired`);
      const settings = await loadAccessSettings(tx);
      const max = settings.maxDurationSeconds[resource.environment];
      if (input.duration > max) {
        throw new ValidationError('the duration is too long', [{ path: 'duration', message: `at most ${formatIsoDuration(max)} (${describeDuration(max)}) for ${resource.environment} resources` }]);
      }
      const [dup] = await tx.query<{ id: string }>(
        "SELECT id FROM access_requests WHERE status = 'pending' AND person_id = $1 AND resource_id = $2 AND permission = $3 AND engagement_id = $4",
        [person.id, resource.id, input.permission, engagement.id],
      );
      if (dup) throw new ConflictError(`a pending request for the same access already exists: ${dup.id}`);
      const now = clock.now();
      const readiness = (await readinessOn(tx, person.id, engagement.id, now, settings))!;
      const answer = await policy.evaluateRequest({
        person, engagement, resource, permission: input.permission, durationSeconds: input.duration, readiness, duty: dev.duty,
        requestedBy: actor.kind === 'person' ? { id: actor.personId, role: actor.role } : null, now,
      });
      // The readiness gate holds whatever the policy says: nothing is granted to a developer who is not ready.
      const decision = !readiness.ready && answer.outcome !== 'deny'
        ? { outcome: 'deny' as const, approvalsRequired: 0, reasons: readiness.unmet.map((u) => u.message), policyIds: ['palisade.readiness-gate', ...answer.policyIds] }
        : answer;
      if (decision.outcome === 'require_approval') {
        const eligible = (await listApprovers(tx, resource.id)).filter((a) => a.personId !== person.id && a.personId !== self);
        if (eligible.length < decision.approvalsRequired) {
          throw new ConflictError(
            `${resource.name} needs ${decision.approvalsRequired} approvals but has ${eligible.length} eligible approver${eligible.length === 1 ? '' : 's'} ` +
            '(the owner and designated approvers, never the requester); an admin must designate more approvers',
          );
        }
      }
      const id = newId();
      const denied = decision.outcome === 'deny';
      await store.insertRequest(tx, {
        id, personId: person.id, engagementId: engagement.id, resourceId: resource.id, permission: input.permission,
        durationSeconds: input.duration, justification: input.justification, status: denied ? 'denied' : 'pending',
        approvalsRequired: decision.approvalsRequired, policy: decision, statusReason: denied ? decision.reasons.join(' ') : null,
        requestedBy: self ?? person.id, createdAt: now, expiresAt: new Date(now.getTime() + settings.pendingTtlSeconds * 1000), decidedAt: denied ? now : null,
      });
      const target = { type: 'access_request', id };
      const about = { personId: person.id, handle: person.handle, resourceId: resource.id, resourceName: resource.name, permission: input.permission };
      await audit.record(tx, actor, {
        type: 'access_request.created', outcome: 'success', target, engagementId: engagement.id,
        details: { ...about, duration: formatIsoDuration(input.duration), justification: input.justification, policy: decision },
      });
      if (denied) {
        await audit.record(tx, actor, { type: 'access_request.denied', outcome: 'denied', target, engagementId: engagement.id, details: { ...about, by: 'policy', reasons: decision.reasons, policyIds: decision.policyIds } });
      } else if (decision.outcome === 'auto_approve') {
        const grant = await issueGrant(tx, { clock, audit }, actor, { id, personId: person.id, engagementId: engagement.id, resourceId: resource.id, resourceName: resource.name, permission: input.permission, durationSeconds: input.duration }, engagement.endDate);
        await store.closeRequest(tx, id, 'approved', decision.reasons.join(' '), now, grant.id);
        await audit.record(tx, actor, { type: 'access_request.approved', outcome: 'success', target, engagementId: engagement.id, details: { ...about, by: 'policy', grantId: grant.id, policyIds: decision.policyIds } });
      }
      return reload(tx, id);
    });
  };

  return {
    create,
    ...createRequestDecisions({ db, clock, audit, expire }),

    async get(actor, id) {
      assertPermitted(actor, 'access.read');
      await expire({ id });
      const r = await store.findRequest(db, id);
      const only = ownOnly(actor);
      if (!r || (only !== null && r.personId !== only && r.requestedBy !== only)) throw new NotFoundError(`access request ${id} not found`);
      return r;
    },

    async list(actor, query) {
      assertPermitted(actor, 'access.read');
      await expire();
      const inbox = query.pendingFor === 'me' && actor.kind === 'person' ? actor.personId : null;
      if (query.pendingFor === 'me' && !isPermitted(actor, 'access.decide')) return { items: [], nextCursor: null };
      return toPage(await store.listRequests(db, query, parseCursor(query.cursor), ownOnly(actor), inbox), query.limit, (r) => r.id);
    },

    async mine(actor, query) {
      assertPermitted(actor, 'me.read');
      if (actor.kind !== 'person') throw new ForbiddenError('only a person has requests');
      await expire();
      return toPage(await store.listRequests(db, { ...query, pendingFor: undefined }, parseCursor(query.cursor), actor.personId, null), query.limit, (r) => r.id);
    },

    async cancel(actor, id, reason) {
      assertPermitted(actor, 'access.request');
      await expire({ id });
      return db.transaction(async (tx) => {
        const r = await store.findRequest(tx, id, true);
        const self = actor.kind === 'person' ? actor.personId : null;
        const mayCancel = actor.kind === 'system' || (actor.kind === 'person' && actor.role === 'admin') || r?.personId === self || r?.requestedBy === self;
        if (!r || !mayCancel) throw new NotFoundError(`access request ${id} not found`);
        if (r.status !== 'pending') throw new ConflictError(`the request is ${r.status}; only a pending request can be cancelled`);
        const why = reason ?? 'cancelled by the requester';
        await store.closeRequest(tx, id, 'cancelled', why, clock.now());
        await audit.record(tx, actor, {
          type: 'access_request.cancelled', outcome: 'success', target: { type: 'access_request', id }, engagementId: r.engagementId,
          details: { personId: r.personId, resourceId: r.resourceId, reason: why },
        });
        return reload(tx, id);
      });
    },

    expireDue: () => expire(),
  };
}
