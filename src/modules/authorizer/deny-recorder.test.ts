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

describe('the deny recorder', () => {
  it('stores every denial; denials of one event-loop turn share a write, and those arriving during a write share the next one', async () => {
    const writes: number[] = [];
    const counting: AuditService = { ...audit, recordMany: (q, items) => (writes.push(items.length), audit.recordMany(q, items)) };
    const recorder = createDenyRecorder(t.db, counting);
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
    const recorder = createDenyRecorder(t.db, flaky);
    const failed = await Promise.allSettled([recorder.record([denial(100)])]);
    const results = await Promise.allSettled([recorder.record([denial(101)]), recorder.record([denial(102)])]);
    expect([...failed, ...results].map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    const stored = await t.db.query<{ n: string }>("SELECT details->>'n' AS n FROM audit_events WHERE (details->>'n')::int >= 100 ORDER BY 1");
    expect(stored.map((r) => r.n)).toEqual(['101', '102']);
  });
});
