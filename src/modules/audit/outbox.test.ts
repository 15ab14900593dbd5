/**
 * The outbox guarantee: no change without its audit event, no event without its change.
 * A fault is injected at every statement of an operation in turn; each time, either everything
 * (change + event) is there or nothing is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-db.ts';
import { systemActor } from '../auth/actor.ts';
import { createPeopleService } from '../people/people-service.ts';
import { createAuditService } from './audit-service.ts';

/** A database whose transactions throw at statement number `failAt` (counting from 0). */
function faultyDb(db: Database, failAt: number): Database & { statements: number } {
  const state = { statements: 0 };
  const wrapped: Database & { statements: number } = {
    ...db,
    get statements() {
      return state.statements;
    },
    transaction: (fn) =>
      db.transaction((tx) => {
        const q: Queryable = {
          query: (sql, params) => {
            if (state.statements++ === failAt) throw new Error(`injected fault at statement ${failAt}: ${sql.slice(0, 40)}`);
            return tx.query(sql, params);
          },
        };
        return fn(q);
      }),
  };
  return wrapped;
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const snapshot = async () => {
  const [row] = await t.db.query<{ people: number; events: number; updated: number }>(
    `SELECT (SELECT count(*) FROM people)::int8 AS people, (SELECT count(*) FROM audit_events)::int8 AS events,
            (SELECT count(*) FROM people WHERE time_zone = 'Europe/Paris')::int8 AS updated`,
  );
  return row!;
};

function servicesOn(db: Database) {
  const clock = fixedClock(new Date('2026-05-01T12:00:00Z'));
  const audit = createAuditService({ db, clock });
  return createPeopleService({ db, clock, audit });
}

const input = (handle: string) => ({
  handle, name: handle, email: `${handle}@x.example`, kind: 'external' as const, timeZone: 'UTC',
  workingHours: { days: ['mon' as const], start: '09:00', end: '17:00' }, sshPublicKeys: [],
});

describe('the audit outbox', () => {
  it('commits a person and person.created together, or neither, whichever statement fails', async () => {
    // Count the statements of a clean run first.
    const probe = faultyDb(t.db, -1);
    await servicesOn(probe).create(systemActor, input('probe'));
    const total = probe.statements;
    expect(total).toBeGreaterThanOrEqual(4);
    for (let k = 0; k < total; k++) {
      const before = await snapshot();
      await expect(servicesOn(faultyDb(t.db, k)).create(systemActor, input(`fault-${k}`))).rejects.toThrow(/injected fault/);
      expect(await snapshot(), `fault at statement ${k}`).toEqual(before);
    }
    const before = await snapshot();
    await servicesOn(t.db).create(systemActor, input('clean'));
    expect(await snapshot()).toEqual({ ...before, people: before.people + 1, events: before.events + 1 });
  });

  it('commits an update and person.updated together, or neither', async () => {
    await servicesOn(t.db).create(systemActor, input('mover'));
    const probe = faultyDb(t.db, -1);
    await servicesOn(probe).update(systemActor, 'mover', { timeZone: 'Asia/Tokyo' });
    const total = probe.statements;
    for (let k = 0; k < total; k++) {
      const before = await snapshot();
      await expect(servicesOn(faultyDb(t.db, k)).update(systemActor, 'mover', { timeZone: 'Europe/Paris' })).rejects.toThrow(/injected fault/);
      expect(await snapshot(), `fault at statement ${k}`).toEqual(before);
    }
    await servicesOn(t.db).update(systemActor, 'mover', { timeZone: 'Europe/Paris' });
    expect((await snapshot()).updated).toBe(1);
  });

  it('leaves no person behind when the audit write itself fails', async () => {
    const db = t.db;
    const clock = fixedClock(new Date('2026-05-01T12:00:00Z'));
    const real = createAuditService({ db, clock });
    const broken = { ...real, record: async () => Promise.reject(new Error('audit store unavailable')) };
    const people = createPeopleService({ db, clock, audit: broken });
    const before = await snapshot();
    await expect(people.create(systemActor, input('ghost'))).rejects.toThrow(/audit store unavailable/);
    expect(await snapshot()).toEqual(before);
    expect(await db.query("SELECT 1 FROM people WHERE handle = 'ghost'")).toHaveLength(0);
  });
});
