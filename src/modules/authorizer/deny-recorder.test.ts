import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-db.ts';
import { createAuditService, type AuditService } from '../audit/audit-service.ts';
import { createDenyRecorder } from './deny-recorder.ts';

let t: TestDatabase;
let audit: AuditService;
beforeAll(async () => {
  t = await createTestDatabase();
  audit = createAuditService({ db: t.db, clock: fixedClock(new Date('2026-03-02T10:00:00Z')) });
});
afterAll(() => t.drop());

const origin = { ip: '203.0.113.7', userAgent: null, requestId: null };
const denial = (n: number) => ({ actor: origin, event: { type: 'authz.denied', outcome: 'denied' as const, target: { type: 'resource', id: `r${n}` }, details: { n } } });

describe('the deny recorder without a journal', () => {
  it('stores every denial; denials of one event-loop turn share a write, and those arriving during a write share the next one', async () => {
    const writes: number[] = [];
    const counting: AuditService = { ...audit, recordMany: (q, items) => (writes.push(items.length), audit.recordMany(q, items)) };
    const recorder = createDenyRecorder({ db: t.db, audit: counting });
    const first = Array.from({ length: 30 }, (_, n) => recorder.record([denial(n)]));
    // Once the first write has started, 20 more arrive (each in a turn of its own) before it ends.
    while (writes.length === 0) await new Promise((r) => setImmediate(r));
    const second = Array.from({ length: 20 }, (_, n) => recorder.record([denial(30 + n)]));
    await Promise.all([...first, ...second]);
    const rows = await t.db.query<{ n: number }>("SELECT (details->>'n')::int AS n FROM audit_events WHERE type = 'authz.denied' ORDER BY 1");
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(writes).toEqual([30, 20]);
  });

  it('rejects the callers of a failed write, so no denial is answered without its event, and goes on with the next', async () => {
    let failNext = true;
    const flaky: AuditService = {
      ...audit,
      recordMany: (q, items) => {
        if (!failNext) return audit.recordMany(q, items);
        failNext = false;
        return Promise.reject(new Error('disk full'));
      },
    };
    const recorder = createDenyRecorder({ db: t.db, audit: flaky });
    const failed = await Promise.allSettled([recorder.record([denial(100)])]);
    const results = await Promise.allSettled([recorder.record([denial(101)]), recorder.record([denial(102)])]);
    expect([...failed, ...results].map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    const stored = await t.db.query<{ n: string }>("SELECT details->>'n' AS n FROM audit_events WHERE (details->>'n')::int >= 100 ORDER BY 1");
    expect(stored.map((r) => r.n)).toEqual(['101', '102']);
  });
});

const stored = async (from: number, to: number) =>
  (await t.db.query<{ n: number }>("SELECT (details->>'n')::int AS n FROM audit_events WHERE type = 'authz.denied' AND (details->>'n')::int BETWEEN $1 AND $2 ORDER BY 1", [from, to])).map((r) => r.n);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the deny recorder with a journal', () => {
  it('answers once a denial is journaled, commits the journal in one group shortly after, and deletes the committed file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-denials-'));
    const writes: number[] = [];
    const counting: AuditService = { ...audit, recordPrepared: (q, rows) => (writes.push(rows.length), audit.recordPrepared(q, rows)) };
    const recorder = createDenyRecorder({ db: t.db, audit: counting, journalDir: dir, flushMs: 50 });
    for (const n of range(200, 239)) await recorder.record([denial(n)]);
    // Answered, journaled, not yet in the database.
    expect(writes).toEqual([]);
    expect(await stored(200, 239)).toEqual([]);
    const [file] = readdirSync(dir);
    expect(readFileSync(join(dir, file!), 'utf8').trim().split('\n')).toHaveLength(40);
    await new Promise((r) => setTimeout(r, 120));
    expect(writes).toEqual([40]);
    expect(await stored(200, 239)).toEqual(range(200, 239));
    expect(readdirSync(dir)).toEqual([]);
    await recorder.close();
  });

  it('keeps the journal when the database refuses, and writes it once the database takes it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-denials-'));
    let down = true;
    const flaky: AuditService = { ...audit, recordPrepared: (q, rows) => (down ? Promise.reject(new Error('connection lost')) : audit.recordPrepared(q, rows)) };
    const errors: string[] = [];
    const recorder = createDenyRecorder({ db: t.db, audit: flaky, journalDir: dir, flushMs: 3_600_000, onError: (_e, what) => errors.push(what) });
    await recorder.record([denial(300), denial(301)]);
    await expect(recorder.flush()).rejects.toThrow('connection lost');
    expect(errors).toHaveLength(1);
    await recorder.record([denial(302)]);
    expect(readdirSync(dir)).toHaveLength(2);
    down = false;
    await recorder.flush();
    expect(await stored(300, 302)).toEqual([300, 301, 302]);
    expect(readdirSync(dir)).toEqual([]);
    await recorder.close();
  });

  it('after a SIGKILL, writes every denial the killed process answered, once, when the next server recovers the journal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-denials-'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'deny-journal-child.ts'), dir, '25'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('journaled') && resolve());
      child.once('exit', (code) => reject(new Error(`the child exited with ${code} before journaling`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const [file] = readdirSync(dir);
    // A torn line at the end (a write the crash cut short; its deny was never answered) is skipped.
    writeFileSync(join(dir, file!), `${readFileSync(join(dir, file!), 'utf8')}{"id":"0190`);
    const next = createDenyRecorder({ db: t.db, audit, journalDir: dir });
    expect(await next.recover()).toBe(25);
    const rows = await t.db.query<{ n: number; request_id: string }>(
      "SELECT (details->>'n')::int AS n, request_id FROM audit_events WHERE request_id LIKE 'crash-%' ORDER BY 1");
    expect(rows.map((r) => r.n)).toEqual(range(0, 24));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes a file committed just before a crash (not yet deleted) again without duplicating, and leaves files of live processes alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-denials-'));
    const recorder = createDenyRecorder({ db: t.db, audit, journalDir: dir, flushMs: 3_600_000 });
    await recorder.record([denial(400), denial(401)]);
    const [file] = readdirSync(dir);
    const copy = join(tmpdir(), `copy-${file}`);
    copyFileSync(join(dir, file!), copy);
    await recorder.flush();
    // As if the process died after the commit and before the delete: the file is back, from a dead pid.
    const dead = file!.replace(/-(\d+)-([0-9a-f]{12})-/, '-999999999-$2-');
    copyFileSync(copy, join(dir, dead));
    // And a file of a live server on this host (the test runner's parent process).
    const live = file!.replace(/-(\d+)-([0-9a-f]{12})-/, `-${process.ppid}-$2-`);
    copyFileSync(copy, join(dir, live));
    const next = createDenyRecorder({ db: t.db, audit, journalDir: dir });
    expect(await next.recover()).toBe(2);
    expect(await stored(400, 401)).toEqual([400, 401]);
    expect(readdirSync(dir)).toEqual([live]);
    await recorder.close();
  });
});
