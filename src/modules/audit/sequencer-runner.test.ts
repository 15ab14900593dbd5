/**
 * The background sequencer: woken by NOTIFY (the poll is set to a minute here, so only a
 * notification can explain a quick integration), one sequencer per database, takeover when the
 * holder's connection dies or it stops, checkpoints no more often than the interval.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.ts';
import type { Database } from '../../db/database.ts';
import { openPostgres } from '../../db/postgres.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-db.ts';
import { systemActor } from '../auth/actor.ts';
import { createAuditService } from './audit-service.ts';
import { createLogKeys } from './log-keys.ts';
import { createSequencer } from './sequencer.ts';
import { SEQUENCER_LOCK_KEY, startAuditSequencer, type RunningSequencer } from './sequencer-runner.ts';
import { eventById, latestCheckpoint } from './tlog-store.ts';

const ON_POSTGRES = Boolean(process.env.DATABASE_URL);
const masterKey = randomBytes(32);
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const until = async (check: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

function runnerOn(db: Database, opts: Parameters<typeof startAuditSequencer>[1] = {}, batchSize?: number): RunningSequencer {
  const keys = createLogKeys({ db, clock: systemClock, masterKey, origin: 'palisade.runner/audit' });
  return startAuditSequencer({ db, sequencer: createSequencer({ db, clock: systemClock, keys, batchSize }) }, { pollMs: 60_000, electionMs: 100, ...opts });
}

async function recordOne(db: Database): Promise<string> {
  const audit = createAuditService({ db, clock: systemClock });
  return db.transaction((tx) => audit.record(tx, systemActor, { type: 'test.recorded', outcome: 'success' }));
}

const leafOf = async (id: string) => (await eventById(t.db, id))?.leafIndex ?? null;
const signedSize = async () => (await latestCheckpoint(t.db))?.size ?? 0;

describe('the background sequencer', () => {
  it('integrates and checkpoints a committed event at once, woken by NOTIFY', async () => {
    const running = runnerOn(t.db);
    await until(() => running.isLeader);
    const id = await recordOne(t.db);
    await until(async () => (await leafOf(id)) !== null && (await signedSize()) > (await leafOf(id))!, 3000);
    await running.stop();
  });

  it('signs checkpoints no more often than the interval while events keep arriving', async () => {
    const seen: number[] = [];
    const running = runnerOn(t.db, { checkpointIntervalMs: 300, onCheckpoint: () => seen.push(performance.now()) });
    await until(() => running.isLeader);
    const start = performance.now();
    let last = '';
    while (performance.now() - start < 1500) {
      last = await recordOne(t.db);
      await new Promise((r) => setTimeout(r, 5));
    }
    await until(async () => (await signedSize()) > ((await leafOf(last)) ?? Infinity), 3000);
    for (let i = 1; i < seen.length; i++) expect(seen[i]! - seen[i - 1]!).toBeGreaterThanOrEqual(295);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    await running.stop();
  });

  it('keeps signing checkpoints while it works off a backlog, instead of only at the end', async () => {
    const audit = createAuditService({ db: t.db, clock: systemClock });
    await t.db.transaction((tx) => audit.recordMany(tx, Array.from({ length: 1000 }, () => ({ actor: systemActor, event: { type: 'test.backlog', outcome: 'success' as const } }))));
    const sizes: number[] = [];
    const [{ total }] = (await t.db.query<{ total: number }>('SELECT count(*)::int8 AS total FROM audit_events')) as [{ total: number }];
    const running = runnerOn(t.db, { checkpointIntervalMs: 20, onCheckpoint: (c) => sizes.push(c.size) }, 10);
    await until(() => sizes.at(-1) === total, 20_000);
    await running.stop();
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    expect(sizes[0]).toBeLessThan(total);
  });

  it.skipIf(!ON_POSTGRES)('is one server at a time, and another takes over when its connection is killed', async () => {
    const [dbA, dbB] = [await openPostgres(t.url!, 3), await openPostgres(t.url!, 3)];
    const a = runnerOn(dbA);
    await until(() => a.isLeader);
    const b = runnerOn(dbB);
    await new Promise((r) => setTimeout(r, 400));
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    const holders = await t.db.query<{ pid: number }>(
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted", [SEQUENCER_LOCK_KEY],
    );
    expect(holders).toHaveLength(1);
    await t.db.query('SELECT pg_terminate_backend($1)', [holders[0]!.pid]);
    await until(() => b.isLeader, 5000);
    expect(a.isLeader).toBe(false);
    const id = await recordOne(dbA);
    await until(async () => (await signedSize()) > ((await leafOf(id)) ?? Infinity), 3000);
    // A stopped sequencer hands over too.
    await b.stop();
    await until(() => a.isLeader, 5000);
    await a.stop();
    await Promise.all([dbA.close(), dbB.close()]);
  });

  it('stopped at once, while still connecting, leaves no connection and no lock behind', async () => {
    const running = runnerOn(t.db);
    await running.stop();
    // Time for a connection that was still being opened to finish (and, were it leaked, take the lock).
    await new Promise((r) => setTimeout(r, 500));
    if (ON_POSTGRES) {
      const holders = await t.db.query("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted", [SEQUENCER_LOCK_KEY]);
      expect(holders).toEqual([]);
    }
    expect(running.isLeader).toBe(false);
    const next = runnerOn(t.db);
    await until(() => next.isLeader, 3000);
    await next.stop();
  });

  it('does a last pass when stopped, so nothing pending is left unsigned', async () => {
    const running = runnerOn(t.db, { checkpointIntervalMs: 60_000 });
    await until(() => running.isLeader);
    await recordOne(t.db);
    await new Promise((r) => setTimeout(r, 200));
    const id = await recordOne(t.db);
    await running.stop();
    expect(await signedSize()).toBeGreaterThan((await leafOf(id))!);
  });
});
