/**
 * @module resources/resource-service — what external developers may be given access to: create,
 * read, update, list, retire. Every change and its audit event commit in one transaction.
 */
import type { Clock } from '../../core/clock.ts';
import { changedFields } from '../../core/diff.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { newId, UUID_PATTERN } from '../../core/ids.ts';
import { decodeCursor, toPage, type Page } from '../../core/pagination.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import * as store from './resource-store.ts';
import type { CreateResourceInput, ListResourcesQuery, Resource, UpdateResourceInput } from './resource-types.ts';

const AUDITED_FIELDS = ['environment', 'sensitivity', 'ownerId', 'labels', 'description'] as const;

export interface ResourceService {
  create(actor: AnyActor, input: CreateResourceInput): Promise<Resource>;
  /** By id or name. */
  get(actor: AnyActor, ref: string): Promise<Resource>;
  list(actor: AnyActor, query: ListResourcesQuery): Promise<Page<Resource>>;
  update(actor: AnyActor, ref: string, input: UpdateResourceInput): Promise<Resource>;
  /** Status retired; final, and the name is never reused. Retiring twice returns the resource unchanged. */
  retire(actor: AnyActor, ref: string): Promise<Resource>;
}

/** Runs in the retirement's transaction (the access module revokes every grant on the resource). */
export type ResourceRetiredHook = (tx: Queryable, actor: AnyActor, resource: Resource) => Promise<unknown>;

export function createResourceService(deps: { db: Database; clock: Clock; audit: AuditService; onRetired?: ResourceRetiredHook[] }): ResourceService {
  const { db, clock, audit } = deps;

  const find = (q: Queryable, ref: string, forUpdate = false) =>
    UUID_PATTERN.test(ref) ? store.findResourceById(q, ref, forUpdate) : store.findResourceByName(q, ref, forUpdate);

  const load = async (q: Queryable, ref: string, forUpdate = false): Promise<Resource> => {
    const r = await find(q, ref, forUpdate);
    if (!r) throw new NotFoundError(`resource ${ref} not found`);
    return r;
  };

  /** The owner answers for who gets access, so it must be an active member; returns their handle. */
  const assertOwner = async (q: Queryable, ownerId: string): Promise<string> => {
    const [p] = await q.query<{ handle: string; kind: string; status: string }>('SELECT handle, kind, status FROM people WHERE id = $1', [ownerId]);
    const problem = !p
      ? 'no such person'
      : p.kind !== 'member'
        ? `${p.handle} is an external developer; the owner must be a member`
        : p.status !== 'active'
          ? `${p.handle} is ${p.status}; the owner must be an active member`
          : null;
    if (problem) throw new ValidationError('invalid owner', [{ path: 'ownerId', message: problem }]);
    return p!.handle;
  };

  return {
    async create(actor, input) {
      assertPermitted(actor, 'resources.write');
      return db.transaction(async (tx) => {
        const ownerHandle = await assertOwner(tx, input.ownerId);
        if (await store.nameTaken(tx, input.name)) throw new ConflictError(`a resource named ${input.name} already exists (names are never reused)`);
        const now = clock.now();
        const resource: Resource = {
          id: newId(),
          name: input.name,
          kind: input.kind,
          environment: input.environment,
          sensitivity: input.sensitivity,
          ownerId: input.ownerId,
          ownerHandle,
          labels: input.labels,
          description: input.description ?? null,
          status: 'active',
          createdAt: now,
          updatedAt: now,
        };
        await store.insertResource(tx, resource).catch((err: unknown) => {
          // Two creates racing for one name: the unique index decides, the loser gets a conflict.
          if ((err as { code?: string }).code === '23505') throw new ConflictError(`a resource named ${input.name} already exists`);
          throw err;
        });
        await audit.record(tx, actor, {
          type: 'resource.created',
          outcome: 'success',
          target: { type: 'resource', id: resource.id },
          details: {
            name: resource.name, kind: resource.kind, environment: resource.environment,
            sensitivity: resource.sensitivity, ownerId: resource.ownerId, labels: resource.labels,
          },
        });
        return resource;
      });
    },

    async get(actor, ref) {
      assertPermitted(actor, 'resources.read');
      return load(db, ref);
    },

    async list(actor, query) {
      assertPermitted(actor, 'resources.read');
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (after !== null && (typeof after !== 'string' || !UUID_PATTERN.test(after))) throw new ValidationError('invalid cursor');
      return toPage(await store.listResources(db, query, after), query.limit, (r) => r.id);
    },

    async update(actor, ref, input) {
      assertPermitted(actor, 'resources.write');
      return db.transaction(async (tx) => {
        const before = await load(tx, ref, true);
        if (before.status === 'retired') throw new ConflictError(`resource ${before.name} is retired`);
        const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as UpdateResourceInput;
        const after: Resource = { ...before, ...patch, updatedAt: clock.now() };
        const changes = changedFields(before, after, AUDITED_FIELDS);
        if (Object.keys(changes).length === 0) return before;
        if (changes.ownerId) after.ownerHandle = await assertOwner(tx, after.ownerId);
        await store.updateResourceRow(tx, after);
        await audit.record(tx, actor, {
          type: 'resource.updated',
          outcome: 'success',
          target: { type: 'resource', id: before.id },
          details: { name: before.name, changes },
        });
        return after;
      });
    },

    async retire(actor, ref) {
      assertPermitted(actor, 'resources.write');
      return db.transaction(async (tx) => {
        const before = await load(tx, ref, true);
        if (before.status === 'retired') return before;
        const after: Resource = { ...before, status: 'retired', updatedAt: clock.now() };
        await store.updateResourceRow(tx, after);
        await audit.record(tx, actor, {
          type: 'resource.retired',
          outcome: 'success',
          target: { type: 'resource', id: before.id },
          details: { name: before.name, kind: before.kind, environment: before.environment, sensitivity: before.sensitivity },
        });
        for (const hook of deps.onRetired ?? []) await hook(tx, actor, after);
        return after;
      });
    },
  };
}
