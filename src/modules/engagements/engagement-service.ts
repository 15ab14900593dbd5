/**
 * @module engagements/engagement-service — engagements: who works on what under which contract.
 * Create, read, list, update, the status machine and the developers on an engagement; signed
 * contract terms and their documents are in engagement-contract.ts. Every change and its audit
 * event commit in one transaction.
 */
import type { Clock } from '../../core/clock.ts';
import { changedFields } from '../../core/diff.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../core/errors.ts';
import { newId, UUID_PATTERN } from '../../core/ids.ts';
import { decodeCursor, toPage, type Page } from '../../core/pagination.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { findVendorById } from '../vendors/vendor-store.ts';
import { loadForChange, loadVisible, visibleTo } from './engagement-access.ts';
import { createContractOperations, type ContractOperations } from './engagement-contract.ts';
import { canTransition, missingTerms, TERM_LABELS, utcDate, type Duty, type EngagementStatus } from './engagement-fns.ts';
import * as store from './engagement-store.ts';
import type { CreateEngagementInput, Engagement, ListEngagementsQuery, UpdateEngagementInput } from './engagement-types.ts';

/**
 * Work that must commit or fail together with a status change, run inside its transaction after
 * the row is written and before the audit event. Whatever a hook returns is added to the event's
 * details. This is the seam where issue 3 revokes every grant of an engagement that is suspended
 * or ended.
 */
export type StatusChangeHook = (
  tx: Queryable,
  actor: AnyActor,
  change: { engagement: Engagement; from: EngagementStatus; to: EngagementStatus },
) => Promise<Record<string, unknown> | void>;

/**
 * Work that must commit or fail together with taking a developer off an engagement, run inside its
 * transaction before the audit event; whatever it returns is added to the event's details. Issue 3
 * revokes the developer's grants on the engagement here.
 */
export type DeveloperRemovedHook = (
  tx: Queryable,
  actor: AnyActor,
  change: { engagement: Engagement; personId: string },
) => Promise<Record<string, unknown> | void>;

export interface EngagementService extends ContractOperations {
  create(actor: AnyActor, input: CreateEngagementInput): Promise<Engagement>;
  get(actor: AnyActor, id: string): Promise<Engagement>;
  list(actor: AnyActor, query: ListEngagementsQuery): Promise<Page<Engagement>>;
  /** Data only; the status changes through activate, suspend and end. */
  update(actor: AnyActor, id: string, input: UpdateEngagementInput): Promise<Engagement>;
  /** draft|suspended → active; needs the signed terms, an active vendor and an end date not yet past. */
  activate(actor: AnyActor, id: string): Promise<Engagement>;
  /** active → suspended. */
  suspend(actor: AnyActor, id: string): Promise<Engagement>;
  /** draft|active|suspended → ended; final. */
  end(actor: AnyActor, id: string): Promise<Engagement>;
  /** `duty`: the developer's role on this engagement (frontend, backend, …), or null. */
  addDeveloper(actor: AnyActor, id: string, personId: string, duty?: Duty | null): Promise<Engagement>;
  /** Change a developer's duty on the engagement; the authorizer decides with the new duty at once. */
  setDeveloperDuty(actor: AnyActor, id: string, personId: string, duty: Duty | null): Promise<Engagement>;
  removeDeveloper(actor: AnyActor, id: string, personId: string): Promise<Engagement>;
}

/** Fields compared for `engagement.updated` details, flattened out of `contract`. */
const flat = (e: Engagement) => ({
  name: e.name,
  vendorId: e.vendorId,
  startDate: e.startDate,
  endDate: e.endDate,
  touchesPersonalData: e.touchesPersonalData,
  description: e.description,
  permittedTools: e.contract.permittedTools,
  storageLocations: e.contract.storageLocations,
  incidentResponseHours: e.contract.incidentResponseHours,
});
const AUDITED_FIELDS = [
  'name', 'vendorId', 'startDate', 'endDate', 'touchesPersonalData', 'description', 'permittedTools', 'storageLocations', 'incidentResponseHours',
] as const;

const STATUS_EVENTS: Record<Exclude<EngagementStatus, 'draft'>, string> = {
  active: 'engagement.activated',
  suspended: 'engagement.suspended',
  ended: 'engagement.ended',
};

function assertDateRange(startDate: string, endDate: string): void {
  // 'YYYY-MM-DD' strings compare like the dates they name.
  if (endDate < startDate) throw new ValidationError('the engagement ends before it starts', [{ path: 'endDate', message: `must be on or after startDate (${startDate})` }]);
}

/**
 * The engagement service; every operation takes the actor first and checks its permission.
 * `onStatusChange` hooks run inside each status change's transaction (see StatusChangeHook),
 * `onDeveloperRemoved` hooks inside removeDeveloper's (see DeveloperRemovedHook).
 * @example const engagements = createEngagementService({ db, clock, audit }); await engagements.activate(actor, id);
 */
export function createEngagementService(deps: {
  db: Database;
  clock: Clock;
  audit: AuditService;
  onStatusChange?: StatusChangeHook[];
  onDeveloperRemoved?: DeveloperRemovedHook[];
}): EngagementService {
  const { db, clock, audit } = deps;
  const hooks = deps.onStatusChange ?? [];
  const removalHooks = deps.onDeveloperRemoved ?? [];

  /** The vendor must exist (400) and be active (409); share-locked so that archiving waits for us. */
  const assertVendorActive = async (tx: Queryable, vendorId: string | null, path: string) => {
    if (vendorId === null) return;
    const v = await findVendorById(tx, vendorId, 'share');
    if (!v) throw new ValidationError('unknown vendor', [{ path, message: 'no such vendor' }]);
    if (v.status !== 'active') throw new ConflictError(`vendor "${v.name}" is archived; an archived vendor gets no new engagements or developers`);
  };

  /**
   * Developers must be external people (400 otherwise), active, and work for the engagement's
   * vendor — or for no vendor on a freelancer engagement (409 otherwise: both can change).
   */
  const assertDevelopersFit = async (tx: Queryable, vendorId: string | null, ids: string[], pathOf: (i: number) => string, opts = { joining: true }) => {
    const found = new Map((await store.findCandidates(tx, ids)).map((c) => [c.id, c]));
    const errors: FieldError[] = [];
    ids.forEach((id, i) => {
      const c = found.get(id);
      if (!c) errors.push({ path: pathOf(i), message: 'no such person' });
      else if (c.kind !== 'external') errors.push({ path: pathOf(i), message: `${c.handle} is a member; only external developers work on engagements` });
      else if (ids.indexOf(id) !== i) errors.push({ path: pathOf(i), message: 'listed twice' });
    });
    if (errors.length) throw new ValidationError('these people cannot be on an engagement', errors);
    for (const id of ids) {
      const c = found.get(id)!;
      if (opts.joining && c.status !== 'active') throw new ConflictError(`${c.handle} is ${c.status}; only active developers can be added`);
      if (c.vendorId !== vendorId) {
        throw new ConflictError(
          vendorId === null
            ? `${c.handle} works for a vendor; a freelancer engagement takes only developers without a vendor`
            : c.vendorId === null
              ? `${c.handle} is a freelancer; this engagement's developers must work for its vendor`
              : `${c.handle} works for another vendor than this engagement's`,
        );
      }
    }
    return ids.map((id) => found.get(id)!);
  };

  const reload = async (q: Queryable, id: string) => (await store.findEngagementById(q, id))!;

  const transition = async (actor: AnyActor, id: string, to: Exclude<EngagementStatus, 'draft'>): Promise<Engagement> => {
    assertPermitted(actor, 'engagements.write');
    return db.transaction(async (tx) => {
      const before = await loadForChange(tx, id, { allowEnded: true });
      const from = before.status;
      if (from === to) throw new ConflictError(`engagement "${before.name}" is already ${to}`);
      if (from === 'ended') throw new ConflictError(`engagement "${before.name}" has ended; ended is final`);
      if (!canTransition(from, to)) throw new ConflictError(`an engagement cannot go from ${from} to ${to}`);
      if (to === 'active') {
        const missing = missingTerms({ ...before.contract, touchesPersonalData: before.touchesPersonalData });
        if (missing.length) {
          throw new ConflictError(`cannot activate "${before.name}": the contract is not in place; missing signed ${missing.map((t) => TERM_LABELS[t]).join(', ')}`);
        }
        await assertVendorActive(tx, before.vendorId, 'vendorId');
        const today = utcDate(clock.now());
        if (before.endDate < today) throw new ConflictError(`cannot activate "${before.name}": its end date ${before.endDate} has passed; extend endDate first`);
      }
      const after: Engagement = { ...before, status: to, updatedAt: clock.now() };
      await store.updateEngagementRow(tx, after);
      const extra: Record<string, unknown> = {};
      for (const hook of hooks) Object.assign(extra, await hook(tx, actor, { engagement: after, from, to }));
      await audit.record(tx, actor, {
        type: STATUS_EVENTS[to],
        outcome: 'success',
        target: { type: 'engagement', id },
        engagementId: id,
        details: { name: before.name, from, to, ...extra },
      });
      return after;
    });
  };

  return {
    ...createContractOperations({ db, clock, audit }),

    async create(actor, input) {
      assertPermitted(actor, 'engagements.write');
      assertDateRange(input.startDate, input.endDate);
      return db.transaction(async (tx) => {
        await assertVendorActive(tx, input.vendorId, 'vendorId');
        const developers = await assertDevelopersFit(tx, input.vendorId, input.developerIds, (i) => `developerIds.${i}`);
        const now = clock.now();
        const id = newId();
        await store.insertEngagement(tx, {
          id,
          name: input.name,
          vendorId: input.vendorId,
          status: 'draft',
          startDate: input.startDate,
          endDate: input.endDate,
          touchesPersonalData: input.touchesPersonalData,
          description: input.description ?? null,
          contract: {
            nda: null,
            dpa: null,
            ipOwnership: null,
            permittedTools: input.contract.permittedTools ?? [],
            storageLocations: input.contract.storageLocations ?? [],
            incidentResponseHours: input.contract.incidentResponseHours ?? null,
          },
          developers: [],
          createdAt: now,
          updatedAt: now,
        });
        const created = await reload(tx, id);
        await audit.record(tx, actor, {
          type: 'engagement.created',
          outcome: 'success',
          target: { type: 'engagement', id },
          engagementId: id,
          details: { ...flat(created), status: created.status, developerIds: input.developerIds },
        });
        // One developer_added per developer, so that "who was put on which engagement" has one event type.
        for (const d of developers) {
          await store.addDeveloper(tx, id, d.id, now);
          await audit.record(tx, actor, {
            type: 'engagement.developer_added',
            outcome: 'success',
            target: { type: 'person', id: d.id },
            engagementId: id,
            details: { engagementId: id, personId: d.id, handle: d.handle },
          });
        }
        return reload(tx, id);
      });
    },

    async get(actor, id) {
      assertPermitted(actor, 'engagements.read');
      return loadVisible(db, actor, id);
    },

    async list(actor, query) {
      assertPermitted(actor, 'engagements.read');
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (after !== null && (typeof after !== 'string' || !UUID_PATTERN.test(after))) {
        throw new ValidationError('invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
      }
      return toPage(await store.listEngagements(db, query, after, visibleTo(actor)), query.limit, (e) => e.id);
    },

    async update(actor, id, input) {
      assertPermitted(actor, 'engagements.write');
      return db.transaction(async (tx) => {
        const before = await loadForChange(tx, id);
        const pick = <T>(v: T | undefined, old: T): T => (v === undefined ? old : v);
        const after: Engagement = {
          ...before,
          name: pick(input.name, before.name),
          vendorId: pick(input.vendorId, before.vendorId),
          startDate: pick(input.startDate, before.startDate),
          endDate: pick(input.endDate, before.endDate),
          touchesPersonalData: pick(input.touchesPersonalData, before.touchesPersonalData),
          description: pick(input.description, before.description),
          contract: {
            ...before.contract,
            permittedTools: pick(input.contract?.permittedTools, before.contract.permittedTools),
            storageLocations: pick(input.contract?.storageLocations, before.contract.storageLocations),
            incidentResponseHours: pick(input.contract?.incidentResponseHours, before.contract.incidentResponseHours),
          },
          updatedAt: clock.now(),
        };
        const changes = changedFields(flat(before), flat(after), AUDITED_FIELDS);
        if (Object.keys(changes).length === 0) return before;
        if (changes.startDate || changes.endDate) assertDateRange(after.startDate, after.endDate);
        if (changes.vendorId) {
          if (before.status !== 'draft') {
            throw new ConflictError(`the vendor of a ${before.status} engagement cannot change; end it and create a new engagement`);
          }
          await assertVendorActive(tx, after.vendorId, 'vendorId');
          await assertDevelopersFit(tx, after.vendorId, before.developers.map((d) => d.id), (i) => `developers.${i}`, { joining: false });
        }
        // The contracts-first rule holds for as long as an engagement runs, not only when it starts.
        if (changes.touchesPersonalData && after.touchesPersonalData && before.status !== 'draft' && !before.contract.dpa) {
          throw new ConflictError(`engagement "${before.name}" is ${before.status}: record the signed DPA before marking it as touching personal data`);
        }
        await store.updateEngagementRow(tx, after);
        await audit.record(tx, actor, {
          type: 'engagement.updated',
          outcome: 'success',
          target: { type: 'engagement', id },
          engagementId: id,
          details: { name: after.name, changes },
        });
        return after;
      });
    },

    activate: (actor, id) => transition(actor, id, 'active'),
    suspend: (actor, id) => transition(actor, id, 'suspended'),
    end: (actor, id) => transition(actor, id, 'ended'),

    async addDeveloper(actor, id, personId, duty = null) {
      assertPermitted(actor, 'engagements.write');
      return db.transaction(async (tx) => {
        const before = await loadForChange(tx, id);
        if (await store.isDeveloperOn(tx, id, personId)) throw new ConflictError('this person is already on the engagement');
        await assertVendorActive(tx, before.vendorId, 'vendorId');
        const [d] = await assertDevelopersFit(tx, before.vendorId, [personId], () => 'personId');
        const now = clock.now();
        await store.addDeveloper(tx, id, personId, now, duty);
        await store.updateEngagementRow(tx, { ...before, updatedAt: now });
        await audit.record(tx, actor, {
          type: 'engagement.developer_added',
          outcome: 'success',
          target: { type: 'person', id: personId },
          engagementId: id,
          details: { engagementId: id, personId, handle: d!.handle, duty },
        });
        return reload(tx, id);
      });
    },

    async setDeveloperDuty(actor, id, personId, duty) {
      assertPermitted(actor, 'engagements.write');
      return db.transaction(async (tx) => {
        const before = await loadForChange(tx, id);
        const on = before.developers.find((d) => d.id === personId);
        if (!on) throw new NotFoundError('this person is not on the engagement');
        if (on.duty === duty) return before;
        const now = clock.now();
        await store.setDeveloperDuty(tx, id, personId, duty);
        await store.updateEngagementRow(tx, { ...before, updatedAt: now });
        await audit.record(tx, actor, {
          type: 'engagement.developer_duty_changed',
          outcome: 'success',
          target: { type: 'person', id: personId },
          engagementId: id,
          details: { engagementId: id, personId, handle: on.handle, changes: { duty: { from: on.duty, to: duty } } },
        });
        return reload(tx, id);
      });
    },

    async removeDeveloper(actor, id, personId) {
      assertPermitted(actor, 'engagements.write');
      return db.transaction(async (tx) => {
        const before = await loadForChange(tx, id);
        const leaving = before.developers.find((d) => d.id === personId);
        if (!leaving || !(await store.removeDeveloper(tx, id, personId))) throw new NotFoundError('this person is not on the engagement');
        const now = clock.now();
        await store.updateEngagementRow(tx, { ...before, updatedAt: now });
        const extra: Record<string, unknown> = {};
        for (const hook of removalHooks) Object.assign(extra, await hook(tx, actor, { engagement: before, personId }));
        await audit.record(tx, actor, {
          type: 'engagement.developer_removed',
          outcome: 'success',
          target: { type: 'person', id: personId },
          engagementId: id,
          details: { engagementId: id, personId, handle: leaving.handle, ...extra },
        });
        return reload(tx, id);
      });
    },
  };
}
