/**
 * @module detection/alert-service — alerts for people: list, read (with the events and their log
 * positions), acknowledge, assign, resolve. Every change and its audit event commit together; the
 * engine never evaluates `alert.*` events, so working on alerts cannot raise alerts.
 */
import type { Clock } from '../../core/clock.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { UUID_PATTERN } from '../../core/ids.ts';
import { decodeCursor, toPage, type Page } from '../../core/pagination.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import * as store from './alert-store.ts';
import type { Alert, AlertDetail, ListAlertsQuery } from './detection-types.ts';

export interface AlertService {
  list(actor: AnyActor, query: ListAlertsQuery): Promise<Page<Alert>>;
  get(actor: AnyActor, id: string): Promise<AlertDetail>;
  acknowledge(actor: AnyActor, id: string, comment?: string): Promise<AlertDetail>;
  /** `assignee`: an admin's id or handle; null unassigns. */
  assign(actor: AnyActor, id: string, assignee: string | null): Promise<AlertDetail>;
  resolve(actor: AnyActor, id: string, resolution: string): Promise<AlertDetail>;
}

/** @example const alerts = createAlertService({ db, clock, audit }); await alerts.acknowledge(actor, id); */
export function createAlertService(deps: { db: Database; clock: Clock; audit: AuditService }): AlertService {
  const { db, clock, audit } = deps;

  const load = async (q: Queryable, id: string, lock = false): Promise<Alert> => {
    const a = UUID_PATTERN.test(id) ? await store.findAlert(q, id, lock) : null;
    if (!a) throw new NotFoundError(`alert ${id} not found`);
    return a;
  };
  const detail = async (q: Queryable, id: string): Promise<AlertDetail> => ({ ...(await load(q, id)), events: await store.alertEvents(q, id) });
  const by = (actor: AnyActor) => (actor.kind === 'person' ? actor.personId : null);

  /** Apply a change to an alert and record it, in one transaction. */
  const change = (actor: AnyActor, id: string, type: string, apply: (tx: Queryable, a: Alert) => Promise<Record<string, unknown> | null>) =>
    db.transaction(async (tx) => {
      const before = await load(tx, id, true);
      const details = await apply(tx, before);
      if (details) {
        await audit.record(tx, actor, {
          type, outcome: 'success', target: { type: 'alert', id }, engagementId: before.engagementId,
          details: { ruleId: before.ruleId, subject: before.subject, ...details },
        });
      }
      return detail(tx, id);
    });

  return {
    async list(actor, query) {
      assertPermitted(actor, 'alerts.read');
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (after !== null && (typeof after !== 'string' || !UUID_PATTERN.test(after))) throw new ValidationError('invalid cursor');
      return toPage(await store.listAlerts(db, query, after), query.limit, (a) => a.id);
    },

    async get(actor, id) {
      assertPermitted(actor, 'alerts.read');
      return detail(db, id);
    },

    async acknowledge(actor, id, comment) {
      assertPermitted(actor, 'alerts.manage');
      return change(actor, id, 'alert.acknowledged', async (tx, a) => {
        if (a.status === 'resolved') throw new ConflictError('the alert is resolved');
        if (a.status === 'acknowledged') return null;
        await store.updateAlertStatus(tx, id, { status: 'acknowledged', by: by(actor), now: clock.now() });
        return { changes: { status: { from: a.status, to: 'acknowledged' } }, ...(comment ? { comment } : {}) };
      });
    },

    async assign(actor, id, assignee) {
      assertPermitted(actor, 'alerts.manage');
      return change(actor, id, 'alert.assigned', async (tx, a) => {
        let person: { id: string; handle: string } | null = null;
        if (assignee !== null) {
          const [p] = await tx.query<{ id: string; handle: string; role: string; status: string }>(
            `SELECT id, handle, role, status FROM people WHERE ${UUID_PATTERN.test(assignee) ? 'id = $1::uuid' : 'handle = $1'}`, [assignee]);
          if (!p) throw new ValidationError('unknown assignee', [{ path: 'assignee', message: 'no such person' }]);
          if (p.role !== 'admin' || p.status !== 'active') {
            throw new ValidationError('alerts are assigned to active admins', [{ path: 'assignee', message: `${p.handle} is not an active admin` }]);
          }
          person = { id: p.id, handle: p.handle };
        }
        if ((a.assignee?.id ?? null) === (person?.id ?? null)) return null;
        await store.updateAlertStatus(tx, id, { assigneeId: person?.id ?? null, by: by(actor), now: clock.now() });
        return { changes: { assignee: { from: a.assignee?.handle ?? null, to: person?.handle ?? null } } };
      });
    },

    async resolve(actor, id, resolution) {
      assertPermitted(actor, 'alerts.manage');
      return change(actor, id, 'alert.resolved', async (tx, a) => {
        if (a.status === 'resolved') throw new ConflictError('the alert is already resolved');
        await store.updateAlertStatus(tx, id, { status: 'resolved', resolution, by: by(actor), now: clock.now() });
        return { changes: { status: { from: a.status, to: 'resolved' } }, resolution };
      });
    },
  };
}
