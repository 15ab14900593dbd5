/**
 * @module bench/audit/http-ingest — acknowledged events per second through HTTP into a real server
 * process (`palisade serve`), and the time from the 2xx answer to the first signed checkpoint
 * covering the event (the checkpoint is polled every 50 ms, so add up to 50 ms of granularity).
 *
 * ROUTE=ingest posts NDJSON batches of BATCH generic events to /api/v1/ingest/events (when the server
 * has that route); ROUTE=vendors (the default, and the fallback) creates one vendor per request,
 * one `vendor.created` event each. CONCURRENCY requests in flight, RATE requests per second at most.
 * PGlite by default; `scripts/with-postgres.sh npx tsx bench/audit/http-ingest.ts` for PostgreSQL.
 *
 * Usage: ROUTE=ingest DURATION=20 scripts/with-postgres.sh npx tsx bench/audit/http-ingest.ts
 *        (CONCURRENCY=16, BATCH=100, RATE=unlimited requests/s; without with-postgres.sh: PGlite)
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { generateToken } from '../../src/core/secret-token.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { createDataStore, startPalisade } from '../../test/e2e/process.ts';
import { serverCpuMeter } from './cpu.ts';
import { latencies, quantiles } from './stats.ts';

const DURATION = Number(process.env.DURATION ?? 20);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const BATCH = Number(process.env.BATCH ?? 100);
const RATE = Number(process.env.RATE ?? Infinity);

const store = await createDataStore();
const token = generateToken();
const server = await startPalisade(store, { env: { PALISADE_BOOTSTRAP_TOKEN: token } });
const call = async (method: string, url: string, body?: string, type = 'application/json') => {
  const res = await fetch(`${server.url}${url}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) }, body,
  });
  return { status: res.status, body: (await res.json()) as any };
};

const paths = Object.keys((await call('GET', '/api/v1/openapi.json')).body.paths as Record<string, unknown>);
const route = process.env.ROUTE === 'ingest' && paths.includes('/api/v1/ingest/events') ? 'ingest' : 'vendors';
if (process.env.ROUTE === 'ingest' && route !== 'ingest') console.error('this server has no /api/v1/ingest/events: measuring POST /api/v1/vendors');

// CPU of the server process (and of PostgreSQL behind it).
const pid = server.child.pid!;
const ticks = () => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(parts[11]) + Number(parts[12]);
};
const meterDb = store.env.DATABASE_URL ? await openPostgres(store.env.DATABASE_URL, 1) : undefined;
const dbCpu = meterDb ? await serverCpuMeter(meterDb) : undefined;

// Checkpoint timeline, as a monitor polling the API would see it.
const checkpoints: { size: number; at: number }[] = [];
let polling = true;
const poller = (async () => {
  while (polling) {
    const cp = await call('GET', '/api/v1/audit/checkpoint').catch(() => null);
    if (cp?.status === 200 && cp.body.treeSize > (checkpoints.at(-1)?.size ?? 0)) checkpoints.push({ size: cp.body.treeSize, at: performance.now() });
    await new Promise((r) => setTimeout(r, 50));
  }
})();

const acks: { key: string; at: number }[] = [];
let seq = 0;
let issued = 0;
const load0 = loadavg()[0]!;
const ticks0 = ticks();
const start = performance.now();
const end = start + DURATION * 1000;
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (performance.now() < end) {
    const due = start + (issued++ / RATE) * 1000;
    if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
    if (route === 'vendors') {
      const res = await call('POST', '/api/v1/vendors', JSON.stringify({ name: `bench-${seq++}-${Math.random().toString(36).slice(2, 8)}` }));
      if (res.status === 201) acks.push({ key: res.body.id, at: performance.now() });
    } else {
      const ids = Array.from({ length: BATCH }, () => `ev-${seq++}`);
      const lines = ids.map((id) => JSON.stringify({
        source: 'vpn', sourceEventId: id, occurredAt: new Date().toISOString(), type: 'login', outcome: 'success',
        actor: { handle: 'dev-ann', ip: '203.0.113.7' }, target: { type: 'gateway', id: 'vpn-1' }, details: { port: 443, method: 'certificate' },
      }));
      const res = await call('POST', '/api/v1/ingest/events', lines.join('\n') + '\n', 'application/x-ndjson');
      if (res.status === 200 && res.body.accepted === BATCH) for (const id of ids) acks.push({ key: `vpn\n${id}`, at: performance.now() });
    }
  }
}));
const elapsed = (performance.now() - start) / 1000;
const serverCpuSeconds = (ticks() - ticks0) / 100;
const databaseCpuSeconds = dbCpu?.seconds() ?? 0;
const load1 = loadavg()[0]!;

// Wait until a checkpoint covers at least as many events as were acknowledged and the log stops
// growing (the sequencer has caught up; at most 3 minutes), then read every entry once to learn each
// acknowledged event's leaf index.
const drainStart = performance.now();
for (let stable = 0, last = -1; stable < 4 && performance.now() - drainStart < 180_000;) {
  await new Promise((r) => setTimeout(r, 300));
  const size = checkpoints.at(-1)?.size ?? 0;
  stable = size === last && size >= acks.length ? stable + 1 : 0;
  last = size;
}
const drainSeconds = (performance.now() - drainStart) / 1000;
polling = false;
await poller;
const size = checkpoints.at(-1)!.size;
const leafOf = new Map<string, number>();
for (let from: number | null = 0; from !== null;) {
  const page: { items: { entry: any }[]; nextIndex: number | null } = (await call('GET', `/api/v1/audit/export/entries?fromIndex=${from}&toIndex=${size}&limit=10000`)).body;
  for (const { entry } of page.items) {
    const key = route === 'vendors' ? (entry.type === 'vendor.created' ? entry.target.id : null) : entry.details?.ingest?.sourceKey;
    if (key) leafOf.set(key, entry.index);
  }
  from = page.nextIndex;
}
const missing = acks.filter((a) => !leafOf.has(a.key)).length;
const toCheckpoint = latencies(acks.filter((a) => leafOf.has(a.key)).map((a) => ({ at: a.at, leaf: leafOf.get(a.key)! })), checkpoints);

console.log(JSON.stringify({
  benchmark: 'audit-ingest-http',
  database: store.dialect,
  route: route === 'vendors' ? 'POST /api/v1/vendors (1 event per request)' : `POST /api/v1/ingest/events (${BATCH} events per request)`,
  concurrency: CONCURRENCY,
  offeredRequestsPerSecond: Number.isFinite(RATE) ? RATE : 'unlimited',
  seconds: +elapsed.toFixed(1),
  acknowledged: acks.length,
  eventsPerSecond: Math.round(acks.length / elapsed),
  missingFromLog: missing,
  drainSeconds: +drainSeconds.toFixed(1),
  timeToCheckpointMs: quantiles(toCheckpoint),
  cpuSeconds: { server: serverCpuSeconds, database: +databaseCpuSeconds.toFixed(1) },
  eventsPerCpuSecond: Math.round(acks.length / (serverCpuSeconds + databaseCpuSeconds)),
  loadAverage: [+load0.toFixed(2), +load1.toFixed(2)],
}));
await meterDb?.close();
await server.stop();
await store.remove();
