/**
 * @module bench/audit/ingest — sustained in-process ingest into the audit log and the time from
 * acknowledgement (the event's transaction committed) to inclusion in a signed checkpoint.
 *
 * WRITERS concurrent writers commit transactions of EVENTS_PER_TX events each (`audit.record` per
 * event, or one `audit.recordMany` with BATCH=1) for DURATION seconds;
 * the real background sequencer (NOTIFY wake-up, 250 ms checkpoint interval) runs in the same
 * process, as it does in a server. PGlite in a fresh folder by default; a fresh database on the
 * server named by DATABASE_URL otherwise (`scripts/with-postgres.sh npx tsx bench/audit/ingest.ts`).
 *
 * Usage (the goal, PostgreSQL):
 *   WRITERS=4 EVENTS_PER_TX=100 BATCH=1 RATE=10000 DURATION=60 scripts/with-postgres.sh npx tsx bench/audit/ingest.ts
 * Defaults: WRITERS=16, EVENTS_PER_TX=1, record per event, RATE unlimited, DURATION=20; PGlite without with-postgres.sh.
 * Prints load average (start, end) and CPU seconds of this process and of the PostgreSQL server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/core/clock.ts';
import { createServices } from '../../src/composition.ts';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openPglite } from '../../src/db/pglite.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { createEmptyPostgresDatabase } from '../../src/db/test-db.ts';
import { systemActor } from '../../src/modules/auth/actor.ts';
import { LEAF_INDEX } from '../../src/modules/audit/audit-store.ts';
import { startAuditSequencer } from '../../src/modules/audit/sequencer-runner.ts';
import { countPending } from '../../src/modules/audit/tlog-store.ts';
import { serverCpuMeter } from './cpu.ts';
import { latencies, quantiles } from './stats.ts';

const SECONDS = Number(process.env.DURATION ?? 20);
const WRITERS = Number(process.env.WRITERS ?? 16);
const PER_TX = Number(process.env.EVENTS_PER_TX ?? 1);
/** recordMany (one INSERT per transaction, as ingestion writes a request's events) instead of record per event. */
const BATCH = process.env.BATCH === '1';
/** Offered load in events per second (all writers together); unlimited when unset. */
const RATE = Number(process.env.RATE ?? Infinity);

const serverUrl = process.env.DATABASE_URL;
const folder = await mkdtemp(path.join(tmpdir(), 'palisade-bench-'));
const pgdb = serverUrl ? await createEmptyPostgresDatabase(serverUrl) : undefined;
const db: Database = pgdb ? await openPostgres(pgdb.url, WRITERS + 2) : await openPglite(path.join(folder, 'db'));
await migrate(db);
const services = createServices({ db, clock: systemClock });
await services.auditSequencer.open();

const checkpoints: { size: number; at: number }[] = [];
const runner = startAuditSequencer({ db, sequencer: services.auditSequencer }, { onCheckpoint: (c) => checkpoints.push({ size: c.size, at: performance.now() }) });
while (!runner.isLeader) await new Promise((r) => setTimeout(r, 10));

if (process.env.BENCH_NO_NOTIFY) await db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_notify');
const acks: { id: string; at: number }[] = [];
const serverCpu = await serverCpuMeter(db);
const load0 = loadavg()[0]!;
const cpu0 = process.cpuUsage();
const start = performance.now();
const end = start + SECONDS * 1000;
let n = 0;
let issued = 0;
await Promise.all(
  Array.from({ length: WRITERS }, async () => {
    while (performance.now() < end) {
      const due = start + (issued / RATE) * 1000;
      issued += PER_TX;
      if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
      const event = () => ({
        type: 'ssh.login', outcome: 'success' as const, target: { type: 'host', id: 'build-01' },
        details: { user: 'dev-ann', sourceIp: '203.0.113.7', sourcePort: 50000 + (n++ % 10000), method: 'publickey' },
      });
      const ids = await db.transaction(async (tx) => {
        if (BATCH) return services.audit.recordMany(tx, Array.from({ length: PER_TX }, () => ({ actor: systemActor, event: event() })));
        const out: string[] = [];
        for (let k = 0; k < PER_TX; k++) out.push(await services.audit.record(tx, systemActor, event()));
        return out;
      });
      const at = performance.now();
      for (const id of ids) acks.push({ id, at });
    }
  }),
);
const elapsed = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6 + (serverCpu?.seconds() ?? 0);
const load1 = loadavg()[0]!;

// Let the sequencer finish what is pending, then stop it.
const pending = await countPending(db);
const drainStart = performance.now();
while (((checkpoints.at(-1)?.size ?? 0) < acks.length)) await new Promise((r) => setTimeout(r, 20));
const drainSeconds = (performance.now() - drainStart) / 1000;
await runner.stop();

// Leaf index of every acknowledged event → the first checkpoint that covers it.
const leafOf = new Map<string, number>();
for (let i = 0; i < acks.length; i += 10_000) {
  const rows = await db.query<{ id: string; leaf_index: number }>(`SELECT e.id, ${LEAF_INDEX} FROM audit_events e WHERE e.id = ANY($1::uuid[])`, [acks.slice(i, i + 10_000).map((a) => a.id)]);
  for (const r of rows) leafOf.set(r.id, r.leaf_index);
}
const toCheckpoint = latencies(acks.map((a) => ({ at: a.at, leaf: leafOf.get(a.id)! })), checkpoints);

console.log(JSON.stringify({
  benchmark: 'audit-ingest-in-process',
  database: serverUrl ? 'postgres' : 'pglite',
  node: process.version,
  writers: WRITERS,
  eventsPerTransaction: PER_TX,
  write: BATCH ? 'recordMany' : 'record',
  seconds: +elapsed.toFixed(1),
  acknowledged: acks.length,
  offeredRate: Number.isFinite(RATE) ? RATE : 'unlimited',
  eventsPerSecond: Math.round(acks.length / elapsed),
  integratedPerSecond: Math.round((acks.length - pending) / elapsed),
  pendingAtEnd: pending,
  drainSeconds: +drainSeconds.toFixed(2),
  checkpoints: checkpoints.length,
  timeToCheckpointMs: quantiles(toCheckpoint),
  cpuSeconds: { process: +((cpu.user + cpu.system) / 1e6).toFixed(1), database: serverCpu ? +serverCpu.seconds().toFixed(1) : 0 },
  eventsPerCpuSecond: Math.round(acks.length / cpuSeconds),
  loadAverage: [+load0.toFixed(2), +load1.toFixed(2)],
}));
await db.close();
await pgdb?.drop();
await rm(folder, { recursive: true, force: true });
