/** @module git-gateway/git-events.test — an event that cannot be written now is retried, then spooled, never dropped, never doubled. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.ts';
import type { Database } from '../../db/database.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-db.ts';
import { rowLines } from '../audit/audit-row-lines.ts';
import { createAuditService } from '../audit/audit-service.ts';
import { boundLists, createGitEventRecorder, MAX_LISTED } from './git-events.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const origin = (requestId: string) => ({ ip: '10.0.0.1', userAgent: null, requestId });

/**
 * The test database behind a switch: while `down`, every transaction is refused; with `loseAnswer`, the
 * next transaction commits and then fails as if the connection dropped before its answer arrived.
 */
function switchable(db: Database) {
  const state = { down: false, loseAnswer: false };
  const wrapped: Database = {
    ...db,
    transaction: async (fn) => {
      if (state.down) throw new Error('connection refused');
      const result = await db.transaction(fn);
      if (state.loseAnswer) {
        state.loseAnswer = false;
        throw new Error('connection lost after COMMIT');
      }
      return result;
    },
  };
  return { db: wrapped, state };
}

/** How many events with this request id the log holds, by type. */
async function stored(requestId: string) {
  return t.db.query<{ type: string; details: Record<string, unknown> }>('SELECT type, details FROM audit_events WHERE request_id = $1 ORDER BY seq', [requestId]);
}

const spoolIn = () => join(mkdtempSync(join(tmpdir(), 'palisade-spool-')), 'sub', 'events.jsonl');

describe('createGitEventRecorder', () => {
  // The recorder uses only prepare and recordPrepared, which take their transaction as an argument.
  const audit = createAuditService({ db: undefined as unknown as Database, clock: systemClock });

  it('spools an event the database refuses after retries, and writes it with the next event that gets through', async () => {
    const { db, state } = switchable(t.db);
    const spoolFile = spoolIn();
    const errors: string[] = [];
    const events = createGitEventRecorder({ db, audit, spoolFile, onError: (_e, what) => errors.push(what) });
    state.down = true;
    await events.record(origin('spool-1'), { type: 'git.clone', outcome: 'success', details: { repository: 'app' } });
    expect(await stored('spool-1')).toEqual([]);
    expect(readFileSync(spoolFile, 'utf8')).toContain('"git.clone"');
    expect(errors).toEqual(['git event could not be recorded; spooled']);
    state.down = false;
    await events.record(origin('spool-2'), { type: 'git.fetch', outcome: 'success', details: {} });
    await events.settled();
    expect((await stored('spool-1')).map((e) => e.type)).toEqual(['git.clone']);
    expect((await stored('spool-2')).map((e) => e.type)).toEqual(['git.fetch']);
    expect(existsSync(spoolFile)).toBe(false);
  }, 10_000);

  it('writes an event once when a commit succeeded but its answer was lost and the write was retried', async () => {
    const { db, state } = switchable(t.db);
    const events = createGitEventRecorder({ db, audit, spoolFile: spoolIn() });
    state.loseAnswer = true;
    await events.record(origin('lost-answer'), { type: 'git.push', outcome: 'success', details: { repository: 'app' } });
    expect((await stored('lost-answer')).map((e) => e.type)).toEqual(['git.push']);
  });

  it('after a restart writes what an earlier process spooled, and once only what a crash left half-drained', async () => {
    const spoolFile = spoolIn();
    mkdirSync(join(spoolFile, '..'));
    const [clone, push] = [audit.prepare(origin('restart-1'), { type: 'git.clone', outcome: 'success', details: {} }), audit.prepare(origin('restart-2'), { type: 'git.push', outcome: 'success', details: {} })];
    // The earlier process had written the batch it was draining, and died before removing it; it had
    // spooled another event afterwards.
    await t.db.transaction((tx) => audit.recordPrepared(tx, [clone]));
    writeFileSync(`${spoolFile}.draining`, rowLines([clone]));
    writeFileSync(spoolFile, rowLines([push]));
    const events = createGitEventRecorder({ db: t.db, audit, spoolFile });
    expect(await events.drainSpool()).toBe(1);
    expect(await events.drainSpool()).toBe(1);
    expect((await stored('restart-1')).map((e) => e.type)).toEqual(['git.clone']);
    expect((await stored('restart-2')).map((e) => e.type)).toEqual(['git.push']);
    expect(existsSync(spoolFile) || existsSync(`${spoolFile}.draining`)).toBe(false);
  });

  it('lists at most a thousand refs of a huge push, and says how many it left out, so the log never refuses the event', async () => {
    const refs = Array.from({ length: 1500 }, (_, i) => ({ ref: `refs/tags/v${i}`, oldOid: '0'.repeat(40), newOid: 'a'.repeat(40) }));
    const events = createGitEventRecorder({ db: t.db, audit, spoolFile: null });
    await events.record(origin('huge-push'), { type: 'git.push', outcome: 'success', details: { refs, repository: 'app' } });
    const [event] = await stored('huge-push');
    expect((event!.details.refs as unknown[]).length).toBe(MAX_LISTED);
    expect(event!.details).toMatchObject({ refsOmitted: 500, repository: 'app' });
    expect(boundLists({ refs: refs.slice(0, 3) })).toEqual({ refs: refs.slice(0, 3) });
  });
});
