/**
 * @module detection/detection.test-support — a migrated database with the services, people of given
 * time zones, and events recorded and integrated into the log, for the detection tests.
 */
import { fixedClock } from '../../core/clock.ts';
import { createServices, type Services } from '../../composition.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-db.ts';
import type { Actor, RequestOrigin } from '../auth/actor.ts';
import { systemActor } from '../auth/actor.ts';
import type { AuditEventInput } from '../audit/audit-types.ts';
import type { WorkingHours } from '../people/people-fns.ts';

export interface DetectionFixture {
  database: TestDatabase;
  services: Services;
  clock: ReturnType<typeof fixedClock>;
  developer(handle: string, timeZone: string, workingHours?: WorkingHours): Promise<Actor>;
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
    async record(actor, ...events) {
      const ids: string[] = [];
      for (const e of events) ids.push(await services.db.transaction((tx) => services.audit.record(tx, actor, e)));
      await services.auditSequencer.runOnce();
      return ids;
    },
    close: () => database.drop(),
  };
}
