/**
 * @module vendors/vendor-service — vendors (agencies) and their contacts: create, read, update,
 * list, archive. Every change and its audit event commit in one transaction.
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
import * as store from './vendor-store.ts';
import type { CreateVendorInput, ListVendorsQuery, UpdateVendorInput, Vendor } from './vendor-types.ts';

const AUDITED_FIELDS = ['name', 'website', 'contacts', 'status'] as const;

export interface VendorService {
  create(actor: AnyActor, input: CreateVendorInput): Promise<Vendor>;
  /** By id or by name (case-insensitive). */
  get(actor: AnyActor, ref: string): Promise<Vendor>;
  list(actor: AnyActor, query: ListVendorsQuery): Promise<Page<Vendor>>;
  update(actor: AnyActor, ref: string, input: UpdateVendorInput): Promise<Vendor>;
  /** Status archived; refused while the vendor has running engagements. */
  archive(actor: AnyActor, ref: string): Promise<Vendor>;
}

/**
 * The vendor service; every operation takes the actor first and checks its permission.
 * @example const vendors = createVendorService({ db, clock, audit }); await vendors.archive(actor, 'Acme Dev');
 */
export function createVendorService(deps: { db: Database; clock: Clock; audit: AuditService }): VendorService {
  const { db, clock, audit } = deps;

  const find = async (q: Queryable, ref: string, lock: 'update' | null = null) => {
    const found = UUID_PATTERN.test(ref) ? await store.findVendorById(q, ref) : await store.findVendorByName(q, ref);
    // Re-read under the lock so that what we check is what we change.
    return found && lock ? store.findVendorById(q, found.id, lock) : found;
  };

  const load = async (q: Queryable, ref: string, lock: 'update' | null = null): Promise<Vendor> => {
    const v = await find(q, ref, lock);
    if (!v) throw new NotFoundError(`vendor ${ref} not found`);
    return v;
  };

  /** Two concurrent writers can both pass the name check; the unique index decides, and the loser gets a 409. */
  const inTransaction = async <T>(name: string | undefined, fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    try {
      return await db.transaction(fn);
    } catch (err) {
      if (store.isUniqueViolation(err)) throw new ConflictError(`a vendor named "${name}" already exists`);
      throw err;
    }
  };

  return {
    async create(actor, input) {
      assertPermitted(actor, 'vendors.write');
      return inTransaction(input.name, async (tx) => {
        if (await store.nameTaken(tx, input.name, null)) throw new ConflictError(`a vendor named "${input.name}" already exists`);
        const now = clock.now();
        const vendor: Vendor = {
          id: newId(),
          name: input.name,
          website: input.website ?? null,
          contacts: input.contacts,
          status: 'active',
          developerCount: 0,
          createdAt: now,
          updatedAt: now,
        };
        await store.insertVendor(tx, vendor);
        await audit.record(tx, actor, {
          type: 'vendor.created',
          outcome: 'success',
          target: { type: 'vendor', id: vendor.id },
          details: { name: vendor.name, website: vendor.website, contacts: vendor.contacts },
        });
        return vendor;
      });
    },

    async get(actor, ref) {
      assertPermitted(actor, 'vendors.read');
      return load(db, ref);
    },

    async list(actor, query) {
      assertPermitted(actor, 'vendors.read');
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (after !== null && (typeof after !== 'string' || !UUID_PATTERN.test(after))) {
        throw new ValidationError('invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
      }
      return toPage(await store.listVendors(db, query, after), query.limit, (v) => v.id);
    },

    async update(actor, ref, input) {
      assertPermitted(actor, 'vendors.write');
      return inTransaction(input.name, async (tx) => {
        const before = await load(tx, ref, 'update');
        const after: Vendor = {
          ...before,
          ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
          updatedAt: clock.now(),
        } as Vendor;
        const changes = changedFields(before, after, AUDITED_FIELDS);
        if (Object.keys(changes).length === 0) return before;
        if (changes.name && (await store.nameTaken(tx, after.name, before.id))) throw new ConflictError(`a vendor named "${after.name}" already exists`);
        await store.updateVendorRow(tx, after);
        await audit.record(tx, actor, { type: 'vendor.updated', outcome: 'success', target: { type: 'vendor', id: before.id }, details: { name: after.name, changes } });
        return after;
      });
    },

    async archive(actor, ref) {
      assertPermitted(actor, 'vendors.write');
      return db.transaction(async (tx) => {
        // The row lock makes a concurrent activation of one of its engagements wait for us (or us for it).
        const before = await load(tx, ref, 'update');
        if (before.status === 'archived') return before;
        const running = await store.runningEngagements(tx, before.id);
        if (running.length > 0) {
          const names = running.slice(0, 5).map((e) => `"${e.name}" (${e.status})`).join(', ');
          throw new ConflictError(
            `vendor "${before.name}" still has ${running.length} running engagement(s): ${names}${running.length > 5 ? ', …' : ''}; end them before archiving the vendor`,
          );
        }
        const after: Vendor = { ...before, status: 'archived', updatedAt: clock.now() };
        await store.updateVendorRow(tx, after);
        await audit.record(tx, actor, { type: 'vendor.archived', outcome: 'success', target: { type: 'vendor', id: before.id }, details: { name: before.name } });
        return after;
      });
    },
  };
}
