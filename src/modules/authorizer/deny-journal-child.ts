/**
 * @module authorizer/deny-journal-child — test helper run as a child process by deny-recorder.test.ts:
 * journals `argv[3]` denials into the folder `argv[2]` with a database that never answers (so nothing
 * is committed), prints "journaled" once every record() has resolved, and waits to be killed.
 */
import { fixedClock } from '../../core/clock.ts';
import type { Queryable } from '../../db/database.ts';
import { createAuditService } from '../audit/audit-service.ts';
import { createDenyRecorder } from './deny-recorder.ts';

const unreachable = { query: () => new Promise(() => undefined) } as unknown as Queryable;
const audit = createAuditService({ db: unreachable as never, clock: fixedClock(new Date('2026-03-02T10:00:00Z')) });
const recorder = createDenyRecorder({ db: unreachable, audit, journalDir: process.argv[2]!, flushMs: 3_600_000 });
const n = Number(process.argv[3]);
await Promise.all(Array.from({ length: n }, (_, i) => recorder.record([{
  actor: { ip: '203.0.113.7', userAgent: null, requestId: `crash-${i}` },
  event: { type: 'authz.denied', outcome: 'denied', target: { type: 'resource', id: `r${i}` }, details: { n: i } },
}])));
process.stdout.write('journaled\n');
setInterval(() => undefined, 1000);
