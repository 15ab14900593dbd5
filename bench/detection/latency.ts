/**
 * @module bench/detection/latency — time from an event's acknowledgement (its `audit.record`
 * transaction committed) to its alert reaching a local webhook receiver, through the real background
 * pieces as a server runs them: the audit sequencer (integration into the log), detection (enrichment,
 * the built-in Sigma rules, the alert and its outbox row in one transaction) and the delivery
 * dispatcher (signed webhook over HTTP on loopback).
 *
 * SAMPLES developers each make one off-hours `git.clone` (each its own alert: grouping folds repeats of
 * one subject), SPACING_MS apart, while BACKGROUND benign events per second (logins within hours) keep
 * the log busy. PGlite in a fresh folder by default; a fresh database on the server named by DATABASE_URL
 * otherwise (`scripts/with-postgres.sh npx tsx bench/detection/latency.ts`).
 *
 *   npx tsx bench/detection/latency.ts            # SAMPLES=200 SPACING_MS=50 BACKGROUND=200
 */
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/core/clock.ts';
import { createServices } from '../../src/composition.ts';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openPglite } from '../../src/db/pglite.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { createEmptyPostgresDatabase } from '../../src/db/test-db.ts';
import { systemActor, type Actor } from '../../src/modules/auth/actor.ts';
import { startAuditSequencer } from '../../src/modules/audit/sequencer-runner.ts';
import { startDetection } from '../../src/modules/detection/detection-runner.ts';
import type { Weekday } from '../../src/modules/people/people-fns.ts';

const SAMPLES = Number(process.env.SAMPLES ?? 200);
const SPACING_MS = Number(process.env.SPACING_MS ?? 50);
const BACKGROUND = Number(process.env.BACKGROUND ?? 200);

const serverUrl = process.env.DATABASE_URL;
const folder = await mkdtemp(path.join(tmpdir(), 'palisade-bench-detection-'));
const pgdb = serverUrl ? await createEmptyPostgresDatabase(serverUrl) : undefined;
const db: Database = pgdb ? await openPostgres(pgdb.url, 10) : await openPglite(path.join(folder, 'db'));
await migrate(db);
const services = createServices({ db, clock: systemClock });
await services.auditSequencer.open();

// The receiver: the alert names its subject (the developer's handle); note when each arrives.
const arrived = new Map<string, number>();
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    const at = performance.now();
    const subject = (JSON.parse(body) as { alert: { subject: string } }).alert.subject;
    if (!arrived.has(subject)) arrived.set(subject, at);
    res.end('ok');
  });
});
const port = await new Promise<number>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve((receiver.address() as AddressInfo).port)));
await services.alertChannels.create(systemActor, { kind: 'webhook', name: 'bench', minSeverity: 'low', url: `http://127.0.0.1:${port}/alerts`, secret: 'bench-webhook-secret-0123456789' });

// Working hours that exclude now (UTC): a two-hour shift twelve hours away, every day.
const hour = (new Date().getUTCHours() + 12) % 24;
const pad = (h: number) => String(h).padStart(2, '0');
const everyDay: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const offHours = { days: everyDay, start: `${pad(hour)}:00`, end: `${pad((hour + 2) % 24)}:00` };
const always = { days: everyDay, start: '00:00', end: '23:59' };
const person = async (handle: string, workingHours: typeof offHours): Promise<Actor> => {
  const p = await services.people.create(systemActor, { handle, name: handle, email: `${handle}@bench.test`, kind: 'external', role: 'developer', timeZone: 'UTC', workingHours, sshPublicKeys: [] });
  return { kind: 'person', personId: p.id, handle, role: 'developer', tokenId: '', scopes: [], ip: '198.51.100.7', userAgent: 'git/2.45', requestId: null };
};
const night: Actor[] = [];
for (let i = 0; i < SAMPLES; i++) night.push(await person(`night-${i}`, offHours));
const day: Actor[] = [];
for (let i = 0; i < 20; i++) day.push(await person(`day-${i}`, always));
process.stderr.write(`${SAMPLES + 20} developers created\n`);

const sequencer = startAuditSequencer({ db, sequencer: services.auditSequencer });
const detection = startDetection({ db, engine: services.detection, dispatcher: services.alertDispatcher });
while (!detection.isLeader || !sequencer.isLeader) await new Promise((r) => setTimeout(r, 10));
// Let the engine catch up with the set-up events before measuring.
await new Promise((r) => setTimeout(r, 1000));

const record = (actor: Actor, type: string) => db.transaction((tx) => services.audit.record(tx, actor, { type, outcome: 'success' }));

let stop = false;
let background = 0;
const backgroundLoad = (async () => {
  if (BACKGROUND <= 0) return;
  const start = performance.now();
  while (!stop) {
    // Offered load, not a tight loop: when the machine falls behind, the writer does not catch up in a
    // burst (on PGlite, one connection, back-to-back transactions would starve everything else).
    const due = start + (background / BACKGROUND) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(1, due - performance.now())));
    await record(day[background % day.length]!, 'git.fetch');
    background += 1;
  }
})();

const load0 = loadavg()[0]!;
const acked = new Map<string, number>();
const t0 = performance.now();
for (const dev of night) {
  await record(dev, 'git.clone');
  acked.set(dev.handle, performance.now());
  await new Promise((r) => setTimeout(r, SPACING_MS));
}
const deadline = performance.now() + 10_000;
while (arrived.size < SAMPLES && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
stop = true;
await backgroundLoad;
const seconds = (performance.now() - t0) / 1000;

// Where the time goes, from the rows' own timestamps (wall clock): event recorded → alert raised (the
// engine's transaction started after the sequencer integrated the event) → webhook answered 2xx.
const rows = await db.query<{ occurred_at: Date; created_at: Date; delivered_at: Date | null }>(
  `SELECT e.occurred_at, a.created_at, d.delivered_at FROM alerts a JOIN alert_events ae ON ae.alert_id = a.id
   JOIN audit_events e ON e.id = ae.event_id JOIN alert_deliveries d ON d.alert_id = a.id
   WHERE a.rule_id = 'palisade-off-hours-access' AND e.type = 'git.clone'`);
const median = (xs: number[]) => +([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN).toFixed(1);
const breakdown = {
  eventToAlertMs: median(rows.map((r) => r.created_at.getTime() - r.occurred_at.getTime())),
  alertToDeliveredMs: median(rows.filter((r) => r.delivered_at).map((r) => r.delivered_at!.getTime() - r.created_at.getTime())),
};

const lat = [...acked].map(([h, at]) => (arrived.get(h) ?? Infinity) - at).sort((a, b) => a - b);
const q = (p: number) => +(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN).toFixed(1);
console.log(JSON.stringify({
  database: serverUrl ? 'postgres' : 'pglite', samples: SAMPLES, delivered: arrived.size, spacingMs: SPACING_MS,
  backgroundEventsPerSecond: +(background / seconds).toFixed(0), seconds: +seconds.toFixed(1),
  ackToWebhookMs: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: +(lat.at(-1) ?? NaN).toFixed(1) },
  medianBreakdown: breakdown,
  loadAverage: { start: load0, end: loadavg()[0] },
}, null, 2));

await detection.stop();
await sequencer.stop();
await new Promise<void>((resolve) => receiver.close(() => resolve()));
await db.close();
await pgdb?.drop();
await rm(folder, { recursive: true, force: true });
