/**
 * @module people/people-service — members and external developers: create, read, update,
 * list, offboard. Every change and its audit event commit in one transaction.
 */
import type { Clock } from '../../core/clock.ts';
import { changedFields } from '../../core/diff.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../../core/errors.ts';
import { newId, UUID_PATTERN } from '../../core/ids.ts';
import { decodeCursor, toPage, type Page } from '../../core/pagination.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { revokeAllOf } from '../auth/token-store.ts';
import { parseSshPublicKey, type SshPublicKey } from './people-fns.ts';
import * as store from './people-store.ts';
import type { CreatePersonInput, ListPeopleQuery, Person, UpdatePersonInput, UpdateSelfInput } from './people-types.ts';

const AUDITED_FIELDS = ['name', 'email', 'role', 'vendorId', 'timeZone', 'workingHours', 'sshPublicKeys', 'ageRecipient', 'status'] as const;

/**
 * Work that must commit or fail together with a person's suspension or offboarding, run inside
 * its transaction before the audit event; whatever it returns is added to the event's details.
 * Issue 3 revokes every grant of the person here.
 */
export type PersonStatusHook = (
  tx: Queryable,
  actor: AnyActor,
  change: { person: Person; from: Person['status']; to: Person['status'] },
) => Promise<Record<string, unknown> | void>;

export interface PeopleService {
  create(actor: AnyActor, input: CreatePersonInput): Promise<Person>;
  /** Create on an open transaction (first-start bootstrap). */
  createOn(tx: Queryable, actor: AnyActor, input: CreatePersonInput): Promise<Person>;
  /** By id or handle. */
  get(actor: AnyActor, ref: string): Promise<Person>;
  list(actor: AnyActor, query: ListPeopleQuery): Promise<Page<Person>>;
  update(actor: AnyActor, ref: string, input: UpdatePersonInput): Promise<Person>;
  updateSelf(actor: AnyActor, input: UpdateSelfInput): Promise<Person>;
  /** Final: status offboarded, every token revoked. */
  offboard(actor: AnyActor, ref: string): Promise<Person>;
}

function parseKeys(lines: string[]): SshPublicKey[] {
  const errors: FieldError[] = [];
  const keys: SshPublicKey[] = [];
  lines.forEach((line, i) => {
    const k = parseSshPublicKey(line);
    if (typeof k === 'string') errors.push({ path: `sshPublicKeys.${i}`, message: k });
    else if (keys.some((x) => x.fingerprint === k.fingerprint)) errors.push({ path: `sshPublicKeys.${i}`, message: 'duplicate key' });
    else keys.push(k);
  });
  if (errors.length) throw new ValidationError('invalid SSH public key', errors);
  return keys;
}

export function createPeopleService(deps: { db: Database; clock: Clock; audit: AuditService; onStatusChange?: PersonStatusHook[] }): PeopleService {
  const { db, clock, audit } = deps;
  const statusHooks = deps.onStatusChange ?? [];
  const runStatusHooks = async (tx: Queryable, actor: AnyActor, person: Person, from: Person['status'], to: Person['status']) => {
    const extra: Record<string, unknown> = {};
    for (const hook of statusHooks) Object.assign(extra, await hook(tx, actor, { person, from, to }));
    return extra;
  };

  const find = async (q: Queryable, ref: string) =>
    UUID_PATTERN.test(ref) ? store.findPersonById(q, ref) : store.findPersonByHandle(q, ref);

  const load = async (q: Queryable, ref: string): Promise<Person> => {
    const p = await find(q, ref);
    if (!p) throw new NotFoundError(`person ${ref} not found`);
    return p;
  };

  const assertKeysFree = async (q: Queryable, keys: SshPublicKey[], personId: string | null) => {
    const owners = await store.findKeyOwners(q, keys.map((k) => k.fingerprint), personId);
    if (owners.length) throw new ConflictError(`SSH key ${owners[0]!.fingerprint} already belongs to ${owners[0]!.handle}`);
  };

  const assertVendor = async (q: Queryable, kind: Person['kind'], vendorId: string | null) => {
    if (vendorId === null) return;
    if (kind !== 'external') throw new ValidationError('only external developers work for a vendor', [{ path: 'vendorId', message: 'members have no vendor' }]);
    const [v] = await q.query<{ status: string }>('SELECT status FROM vendors WHERE id = $1', [vendorId]);
    if (!v) throw new ValidationError('unknown vendor', [{ path: 'vendorId', message: 'no such vendor' }]);
    if (v.status !== 'active') throw new ConflictError('the vendor is archived');
  };

  const assertRoleFits = (kind: Person['kind'], role: Person['role']) => {
    if ((kind === 'external') !== (role === 'developer')) {
      throw new ValidationError('role does not fit the kind of person', [
        { path: 'role', message: kind === 'external' ? 'external people are developers' : 'members are admin, approver or auditor' },
      ]);
    }
  };

  /** Apply a change to a person, write it and its audit event. */
  const applyUpdate = async (tx: Queryable, actor: AnyActor, before: Person, patch: UpdatePersonInput): Promise<Person> => {
    if (before.status === 'offboarded') throw new ConflictError(`${before.handle} is offboarded`);
    const now = clock.now();
    const keys = patch.sshPublicKeys ? parseKeys(patch.sshPublicKeys) : before.sshPublicKeys;
    const after: Person = {
      ...before,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
      sshPublicKeys: keys,
      updatedAt: now,
    } as Person;
    assertRoleFits(after.kind, after.role);
    if (after.vendorId !== before.vendorId) await assertVendor(tx, after.kind, after.vendorId);
    if (patch.email && (await store.findClash(tx, null, patch.email, before.id))) throw new ConflictError('email already in use');
    const losesAdmin = before.role === 'admin' && before.status === 'active' && (after.role !== 'admin' || after.status !== 'active');
    if (losesAdmin && (await store.countActiveAdmins(tx)) <= 1) throw new ConflictError('the last active admin cannot be demoted or suspended');
    const changes = changedFields(before, after, AUDITED_FIELDS);
    if (Object.keys(changes).length === 0) return before;
    if (patch.sshPublicKeys) {
      await assertKeysFree(tx, keys, before.id);
      await store.replaceSshKeys(tx, before.id, keys, now);
    }
    await store.updatePersonRow(tx, after);
    if (changes.status?.to === 'suspended') await revokeAllOf(tx, before.id, now);
    const extra = changes.status ? await runStatusHooks(tx, actor, after, before.status, after.status) : {};
    await audit.record(tx, actor, { type: 'person.updated', outcome: 'success', target: { type: 'person', id: before.id }, details: { handle: before.handle, changes, ...extra } });
    return after;
  };

  const createOn: PeopleService['createOn'] = async (tx, actor, input) => {
    const role = input.role ?? (input.kind === 'external' ? 'developer' : 'approver');
    assertRoleFits(input.kind, role);
    const keys = parseKeys(input.sshPublicKeys);
    const vendorId = input.vendorId ?? null;
    await assertVendor(tx, input.kind, vendorId);
    const clash = await store.findClash(tx, input.handle, input.email, null);
    if (clash) throw new ConflictError(`${clash} already in use`);
    await assertKeysFree(tx, keys, null);
    const now = clock.now();
    const person: Person = {
      id: newId(),
      handle: input.handle,
      name: input.name,
      email: input.email,
      kind: input.kind,
      role,
      vendorId,
      timeZone: input.timeZone,
      workingHours: input.workingHours,
      sshPublicKeys: keys,
      ageRecipient: input.ageRecipient ?? null,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    };
    await store.insertPerson(tx, person);
    await store.replaceSshKeys(tx, person.id, keys, now);
    await audit.record(tx, actor, {
      type: 'person.created',
      outcome: 'success',
      target: { type: 'person', id: person.id },
      details: { handle: person.handle, kind: person.kind, role: person.role, vendorId, sshKeyFingerprints: keys.map((k) => k.fingerprint) },
    });
    return person;
  };

  return {
    createOn,

    async create(actor, input) {
      assertPermitted(actor, 'people.write');
      return db.transaction((tx) => createOn(tx, actor, input));
    },

    async get(actor, ref) {
      const person = await find(db, ref);
      const self = actor.kind === 'person' && person?.id === actor.personId;
      if (!self) assertPermitted(actor, 'people.read');
      if (!person) throw new NotFoundError(`person ${ref} not found`);
      return person;
    },

    async list(actor, query) {
      assertPermitted(actor, 'people.read');
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (after !== null && (typeof after !== 'string' || !UUID_PATTERN.test(after))) throw new ValidationError('invalid cursor');
      return toPage(await store.listPeople(db, query, after), query.limit, (p) => p.id);
    },

    async update(actor, ref, input) {
      assertPermitted(actor, 'people.write');
      return db.transaction(async (tx) => applyUpdate(tx, actor, await load(tx, ref), input));
    },

    async updateSelf(actor, input) {
      assertPermitted(actor, 'me.update');
      if (actor.kind !== 'person') throw new ForbiddenError('only a person has a profile');
      return db.transaction(async (tx) => applyUpdate(tx, actor, await load(tx, actor.personId), input));
    },

    async offboard(actor, ref) {
      assertPermitted(actor, 'people.write');
      return db.transaction(async (tx) => {
        const before = await load(tx, ref);
        if (before.status === 'offboarded') return before;
        if (actor.kind === 'person' && actor.personId === before.id) throw new ConflictError('you cannot offboard yourself');
        if (before.role === 'admin' && before.status === 'active' && (await store.countActiveAdmins(tx)) <= 1) {
          throw new ConflictError('the last active admin cannot be offboarded');
        }
        const now = clock.now();
        const after: Person = { ...before, status: 'offboarded', updatedAt: now };
        await store.updatePersonRow(tx, after);
        const revokedTokenIds = await revokeAllOf(tx, before.id, now);
        const extra = await runStatusHooks(tx, actor, after, before.status, 'offboarded');
        await audit.record(tx, actor, {
          type: 'person.offboarded',
          outcome: 'success',
          target: { type: 'person', id: before.id },
          details: { handle: before.handle, previousStatus: before.status, revokedTokenIds, ...extra },
        });
        return after;
      });
    },
  };
}
