/**
 * @module git-gateway/push/push-rules-service — admins set each repository's ref rules and keep the allow list
 * of push-scan findings that are not secrets. Every change and its audit event commit in one transaction.
 */
import type { Clock } from '../../../core/clock.ts';
import { changedFields } from '../../../core/diff.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import { newId, UUID_PATTERN } from '../../../core/ids.ts';
import { decodeCursor, toPage, type Page } from '../../../core/pagination.ts';
import type { Database, Queryable } from '../../../db/database.ts';
import type { AuditService } from '../../audit/audit-service.ts';
import type { AnyActor } from '../../auth/actor.ts';
import { assertPermitted } from '../../auth/permissions.ts';
import { findResourceById, findResourceByName } from '../../resources/resource-store.ts';
import type { Resource } from '../../resources/resource-types.ts';
import * as store from './push-rules-store.ts';
import { DEFAULT_PROTECTED_REFS } from './ref-rules.ts';
import type { AllowEntry, CreateAllowEntryInput, ListAllowEntriesQuery, PushRules, SetPushRulesInput } from './push-rules-types.ts';

export interface PushRulesService {
  /** The repository's rules (the defaults while none are set). By resource id or name. */
  getRules(actor: AnyActor, resourceRef: string): Promise<PushRules>;
  /** Replace the repository's rules. */
  setRules(actor: AnyActor, resourceRef: string, input: SetPushRulesInput): Promise<PushRules>;
  listAllowList(actor: AnyActor, query: ListAllowEntriesQuery): Promise<Page<AllowEntry>>;
  addAllowEntry(actor: AnyActor, input: CreateAllowEntryInput): Promise<AllowEntry>;
  /** Status removed; removing twice returns the entry unchanged. */
  removeAllowEntry(actor: AnyActor, id: string): Promise<AllowEntry>;
}

const personIdOf = (actor: AnyActor) => (actor.kind === 'person' ? actor.personId : null);

export function createPushRulesService(deps: { db: Database; clock: Clock; audit: AuditService }): PushRulesService {
  const { db, clock, audit } = deps;

  /** A git_repository resource by id or name; other kinds have no push rules. */
  const loadRepository = async (q: Queryable, ref: string, forUpdate = false): Promise<Resource> => {
    const r = UUID_PATTERN.test(ref) ? await findResourceById(q, ref, forUpdate) : await findResourceByName(q, ref, forUpdate);
    if (!r) throw new NotFoundError(`resource ${ref} not found`);
    if (r.kind !== 'git_repository') throw new ConflictError(`resource ${r.name} is a ${r.kind}, not a git_repository: it has no push rules`);
    return r;
  };

  const rulesOf = async (q: Queryable, r: Resource): Promise<PushRules> => {
    const row = await store.findPushRules(q, r.id);
    return row
      ? { resourceId: r.id, resourceName: r.name, protectedRefs: row.protectedRefs, contribPattern: row.contribPattern, isDefault: false, updatedAt: row.updatedAt, updatedBy: row.updatedBy }
      : { resourceId: r.id, resourceName: r.name, protectedRefs: [...DEFAULT_PROTECTED_REFS], contribPattern: null, isDefault: true, updatedAt: null, updatedBy: null };
  };

  return {
    async getRules(actor, resourceRef) {
      assertPermitted(actor, 'git.push-rules.read');
      return rulesOf(db, await loadRepository(db, resourceRef));
    },

    async setRules(actor, resourceRef, input) {
      assertPermitted(actor, 'git.push-rules.write');
      return db.transaction(async (tx) => {
        const repo = await loadRepository(tx, resourceRef, true);
        if (repo.status === 'retired') throw new ConflictError(`resource ${repo.name} is retired`);
        const before = await rulesOf(tx, repo);
        const now = clock.now();
        const after: PushRules = { ...before, protectedRefs: input.protectedRefs, contribPattern: input.contribPattern, isDefault: false, updatedAt: now, updatedBy: personIdOf(actor) };
        const changes = changedFields(before, after, ['protectedRefs', 'contribPattern']);
        if (Object.keys(changes).length === 0 && !before.isDefault) return before;
        await store.upsertPushRules(tx, { resourceId: repo.id, protectedRefs: after.protectedRefs, contribPattern: after.contribPattern, updatedAt: now, updatedBy: after.updatedBy });
        await audit.record(tx, actor, {
          type: 'git_push_rules.updated',
          outcome: 'success',
          target: { type: 'resource', id: repo.id },
          details: { name: repo.name, wasDefault: before.isDefault, changes },
        });
        return after;
      });
    },

    async listAllowList(actor, query) {
      assertPermitted(actor, 'git.push-rules.read');
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (after !== null && (typeof after !== 'string' || !UUID_PATTERN.test(after))) throw new ValidationError('invalid cursor');
      const resourceId = query.resource === undefined ? null : (await loadRepository(db, query.resource)).id;
      const rows = await store.listAllowEntries(db, { resourceId, status: query.status ?? 'active', limit: query.limit }, after);
      return toPage(rows, query.limit, (e) => e.id);
    },

    async addAllowEntry(actor, input) {
      assertPermitted(actor, 'git.push-rules.write');
      return db.transaction(async (tx) => {
        const repo = input.resource == null ? null : await loadRepository(tx, input.resource);
        const entry: Omit<AllowEntry, 'resourceName' | 'createdByHandle'> = {
          id: newId(),
          resourceId: repo?.id ?? null,
          fingerprint: input.fingerprint ?? null,
          pathPattern: input.pathPattern ?? null,
          reason: input.reason,
          status: 'active',
          createdAt: clock.now(),
          createdBy: personIdOf(actor),
          removedAt: null,
          removedBy: null,
        };
        await store.insertAllowEntry(tx, entry);
        // The fingerprint hashes the secret; the permanent log says only that there is one.
        await audit.record(tx, actor, {
          type: 'git_push_allow_entry.created',
          outcome: 'success',
          target: { type: 'git_push_allow_entry', id: entry.id },
          details: { resourceId: entry.resourceId, resourceName: repo?.name ?? null, byFingerprint: entry.fingerprint !== null, pathPattern: entry.pathPattern, reason: entry.reason },
        });
        return (await store.findAllowEntry(tx, entry.id))!;
      });
    },

    async removeAllowEntry(actor, id) {
      assertPermitted(actor, 'git.push-rules.write');
      if (!UUID_PATTERN.test(id)) throw new NotFoundError(`allow-list entry ${id} not found`);
      return db.transaction(async (tx) => {
        const before = await store.findAllowEntry(tx, id, true);
        if (!before) throw new NotFoundError(`allow-list entry ${id} not found`);
        if (before.status === 'removed') return before;
        await store.markAllowEntryRemoved(tx, id, clock.now(), personIdOf(actor));
        await audit.record(tx, actor, {
          type: 'git_push_allow_entry.removed',
          outcome: 'success',
          target: { type: 'git_push_allow_entry', id },
          details: { resourceId: before.resourceId, resourceName: before.resourceName, byFingerprint: before.fingerprint !== null, pathPattern: before.pathPattern, reason: before.reason },
        });
        return (await store.findAllowEntry(tx, id))!;
      });
    },
  };
}
