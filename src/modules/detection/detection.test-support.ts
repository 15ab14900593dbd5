/**
 * @module detection/detection.test-support — a migrated database with the services, people of given
 * time zones, and events recorded and integrated into the log, for the detection tests.
 */
import { fixedClock } from '../../core/clock.ts';
import { createServices, type Services } from '../../composition.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-db.ts';
import { newId } from '../../core/ids.ts';
import type { Actor, RequestOrigin } from '../auth/actor.ts';
import { systemActor } from '../auth/actor.ts';
import type { AuditEventInput } from '../audit/audit-types.ts';
import type { WorkingHours } from '../people/people-fns.ts';
import { builtinRules } from './builtin-rules.ts';
import type { RuleSetFactory } from './rule-set.ts';

export interface DetectionFixture {
  database: TestDatabase;
  services: Services;
  clock: ReturnType<typeof fixedClock>;
  developer(handle: string, timeZone: string, workingHours?: WorkingHours): Promise<Actor>;
  /** An engagement row (direct SQL: the tests are about detection, not engagement rules); returns its id. */
  engagement(opts: { status?: string; startDate?: string; endDate?: string; developers?: string[] }): Promise<string>;
  resource(opts: { environment?: string; sensitivity?: string; name?: string }): Promise<string>;
  grant(personId: string, resourceId: string, engagementId: string, startsAt: Date, endsAt: Date): Promise<string>;
  /** Record events (each its own transaction, in order) and integrate them into the log. */
  record(actor: Actor | RequestOrigin, ...events: AuditEventInput[]): Promise<string[]>;
  close(): Promise<void>;
}

export async function createDetectionFixture(start = new Date('2026-03-02T10:00:00Z')): Promise<DetectionFixture> {
  const database = await createTestDatabase();
  const clock = fixedClock(start);
  const services = createServices({ db: database.db, clock });
  return {
    database, services, clock,
    async developer(handle, timeZone, workingHours = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }) {
      const p = await services.people.create(systemActor, {
        handle, name: handle, email: `${handle}@example.test`, kind: 'external', role: 'developer', timeZone, workingHours, sshPublicKeys: [],
      });
      return { kind: 'person', personId: p.id, handle, role: 'developer', tokenId: '', scopes: [], ip: '198.51.100.7', userAgent: 'git/2.45', requestId: null };
    },
    async engagement({ status = 'active', startDate = '2026-01-01', endDate = '2026-12-31', developers = [] }) {
      const id = newId();
      const now = clock.now();
      await database.db.query(
        'INSERT INTO engagements (id, name, status, start_date, end_date, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)',
        [id, `Engagement ${id.slice(-6)}`, status, startDate, endDate, now]);
      for (const p of developers) await database.db.query('INSERT INTO engagement_developers (engagement_id, person_id, added_at) VALUES ($1, $2, $3)', [id, p, now]);
      return id;
    },
    async resource({ environment = 'staging', sensitivity = 'internal', name }) {
      const id = newId();
      const now = clock.now();
      const [owner] = await database.db.query<{ id: string }>("SELECT id FROM people WHERE kind = 'member' LIMIT 1");
      const ownerId = owner?.id ?? (await services.people.create(systemActor, {
        handle: `owner-${id.slice(-6)}`, name: 'Owner', email: `owner-${id.slice(-6)}@example.test`, kind: 'member', role: 'approver',
        timeZone: 'UTC', workingHours: { days: ['mon'], start: '09:00', end: '17:00' }, sshPublicKeys: [],
      })).id;
      await database.db.query(
        `INSERT INTO resources (id, name, kind, environment, sensitivity, owner_id, status, created_at, updated_at)
         VALUES ($1, $2, 'git_repository', $3, $4, $5, 'active', $6, $6)`,
        [id, name ?? `repo-${id.slice(-8)}`, environment, sensitivity, ownerId, now]);
      return id;
    },
    async grant(personId, resourceId, engagementId, startsAt, endsAt) {
      const id = newId();
      await database.db.query(
        `INSERT INTO grants (id, person_id, engagement_id, resource_id, permission, starts_at, ends_at, created_at)
         VALUES ($1, $2, $3, $4, 'read', $5, $6, $5)`, [id, personId, engagementId, resourceId, startsAt, endsAt]);
      return id;
    },
    async record(actor, ...events) {
      const ids: string[] = [];
      for (const e of events) ids.push(await services.db.transaction((tx) => services.audit.record(tx, actor, e)));
      await services.auditSequencer.runOnce();
      return ids;
    },
    close: () => database.drop(),
  };
}

/** The built-in rules, recording the id of every event they evaluate (replays included). */
export function trackedBuiltinRules(): RuleSetFactory & { evaluatedIds: string[] } {
  const rules = builtinRules();
  const evaluatedIds: string[] = [];
  return {
    maxTimespanMs: rules.maxTimespanMs,
    evaluatedIds,
    create() {
      const set = rules.create();
      return { evaluate: (e) => (evaluatedIds.push(e.id), set.evaluate(e)) };
    },
  };
}
