import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-db.ts';
import { systemActor, type Actor } from '../auth/actor.ts';
import { createAuditService, type AuditService } from './audit-service.ts';
import { eventById } from './tlog-store.ts';

const clock = fixedClock(new Date('2026-04-01T08:00:00.123Z'));
let t: TestDatabase;
let audit: AuditService;
beforeAll(async () => {
  t = await createTestDatabase();
  audit = createAuditService({ db: t.db, clock });
});
afterAll(() => t.drop());

const person: Actor = {
  kind: 'person', personId: '0193a3b4-0000-7000-8000-00000000000a', handle: 'ann', role: 'developer', tokenId: 'x', scopes: [],
  ip: '203.0.113.9', userAgent: 'git/2.45 "quoted" \\ back', requestId: 'req-1',
};
const awkward = { text: 'quote " backslash \\ newline \n tab \t ünïcode ✓ 𝄞', nested: [{ a: 1.5, b: [null, true, false] }], big: 2 ** 53 - 1, empty: {} };

describe('recording events', () => {
  it('writes a batch in one statement, in order, each exactly as record() would', async () => {
    const ids = await t.db.transaction((tx) =>
      audit.recordMany(tx, [
        { actor: person, event: { type: 'ssh.login', outcome: 'success', target: { type: 'host', id: 'build-01' }, details: awkward } },
        { actor: systemActor, event: { type: 'ssh.login', outcome: 'failure', engagementId: '0193a3b4-0000-7000-8000-00000000000b' } },
        { actor: { ip: null, userAgent: null, requestId: null }, event: { type: 'auth.failed', outcome: 'failure' } },
      ]),
    );
    const single = await t.db.transaction((tx) => audit.record(tx, person, { type: 'ssh.login', outcome: 'success', target: { type: 'host', id: 'build-01' }, details: awkward }));
    const [a, b, c, d] = await Promise.all([...ids, single].map((id) => eventById(t.db, id)));
    expect(a!.seq + 1).toBe(b!.seq);
    expect(b!.seq + 1).toBe(c!.seq);
    const { id: _a, seq: _sa, ...batched } = a!;
    const { id: _d, seq: _sd, ...recorded } = d!;
    expect(batched).toEqual(recorded);
    expect(batched).toMatchObject({ occurredAt: clock.now(), details: awkward, actor: { handle: 'ann', userAgent: person.userAgent }, leafIndex: null });
    expect(b).toMatchObject({ actor: { id: null, handle: 'system', ip: null }, target: { type: null, id: null }, engagementId: '0193a3b4-0000-7000-8000-00000000000b', details: {} });
    expect(c!.actor.handle).toBeNull();
  });

  it('writes nothing of a batch that holds one event the log could not take', async () => {
    const before = await t.db.query('SELECT 1 FROM audit_events');
    await expect(
      t.db.transaction((tx) => audit.recordMany(tx, [
        { actor: systemActor, event: { type: 'fine', outcome: 'success' } },
        { actor: systemActor, event: { type: 'not\u0007fine', outcome: 'success' } },
      ])),
    ).rejects.toThrow(/type/);
    expect(await t.db.query('SELECT 1 FROM audit_events')).toHaveLength(before.length);
    expect(await t.db.transaction((tx) => audit.recordMany(tx, []))).toEqual([]);
  });

  it('refuses details the log could not encode, however they are written, and takes awkward but valid ones', async () => {
    const rec = (details: Record<string, unknown>) => t.db.transaction((tx) => audit.record(tx, systemActor, { type: 'test.details', outcome: 'success', details }));
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 70; i++) deep = { d: deep };
    await expect(rec({ s: 'lone \ud800 surrogate' })).rejects.toThrow(/lone surrogate/);
    await expect(rec({ [`k\udc00`]: 1 })).rejects.toThrow(/lone surrogate/);
    await expect(rec(deep)).rejects.toThrow(/nested too deeply/);
    // Under 1 MiB as JavaScript counts (UTF-16 units), over it in UTF-8 bytes: the entry's size.
    await expect(rec({ s: '✓'.repeat(400_000) })).rejects.toThrow(/larger than/);
    const fine = [{ s: 'a backslash then ud800: \\ud800, a pair: 𝄞' }, { a: Array.from({ length: 100 }, () => [1]) }, { s: '✓'.repeat(300_000) }];
    for (const details of fine) expect(await eventById(t.db, await rec(details))).toMatchObject({ details });
  });
});
