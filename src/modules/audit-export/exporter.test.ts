import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { createSecretSealer } from './sealed-secrets.ts';
import { backoffMs, createAuditExporter } from './exporter.ts';
import { ocsfProblems } from './ocsf-schema.test-support.ts';
import { startCollector, type Collector } from './syslog-test-listener.test-support.ts';

/** An HTTP collector that answers each POST with the next scripted status (then 200), recording what it took. */
async function startHttpCollector() {
  const c = { statuses: [] as number[], accepted: [] as string[][], headers: [] as http.IncomingHttpHeaders[], hang: false, port: 0, server: null as unknown as http.Server };
  c.server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      if (c.hang) return;
      c.headers.push(req.headers);
      const status = c.statuses.shift() ?? 200;
      if (status === 200) c.accepted.push(Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean));
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'collector overloaded');
    });
  });
  await new Promise<void>((resolve) => c.server.listen(0, '127.0.0.1', resolve));
  c.port = (c.server.address() as AddressInfo).port;
  return c;
}

let t: TestApp;
let hc: Awaited<ReturnType<typeof startHttpCollector>>;
let syslog: Collector;
const asAdmin = (opts: Parameters<TestApp['call']>[1]) => t.call(t.adminToken, opts);
const addSink = async (body: Record<string, unknown>) => {
  const res = await asAdmin({ method: 'POST', url: '/api/v1/audit/sinks', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; position: number };
};
const sink = async (id: string) => (await asAdmin({ url: `/api/v1/audit/sinks/${id}` })).json();
/** Make a few events and integrate everything into the log. */
const activity = async (n: number) => {
  for (let i = 0; i < n; i++) await asAdmin({ method: 'POST', url: '/api/v1/vendors', payload: { name: `Vendor ${Math.random().toString(36).slice(2)}` } });
  await t.services.auditSequencer.runOnce();
};
const logSize = async () => (await t.database.db.query<{ size: number }>('SELECT size FROM tlog_state'))[0]!.size;
const indexesOf = (lines: string[][]) => lines.flat().map((l) => JSON.parse(l).leafIndex ?? JSON.parse(l).metadata.sequence);

beforeAll(async () => {
  t = await createTestApp();
  hc = await startHttpCollector();
  syslog = await startCollector();
  await activity(3);
});
afterAll(async () => {
  hc.server.close();
  await syslog.close();
  await t.close();
});

describe('the audit exporter', () => {
  it('retries a failing HTTP sink with exponential backoff and then delivers every event in log order, with its sealed header', async () => {
    const s = await addSink({ kind: 'http', name: 'siem', url: `http://127.0.0.1:${hc.port}/ingest`, format: 'jsonl', batchSize: 4, headers: { Authorization: 'Splunk 0d1f-secret' } });
    expect(s.position).toBe(-1);
    expect(JSON.stringify(await sink(s.id))).not.toContain('0d1f-secret');
    const stored = await t.database.db.query<{ config: unknown; sealed_headers: Uint8Array }>('SELECT config, sealed_headers FROM audit_sinks WHERE id = $1', [s.id]);
    expect(JSON.stringify(stored[0]!.config)).not.toContain('0d1f-secret');
    expect(Buffer.from(stored[0]!.sealed_headers).includes(Buffer.from('0d1f-secret'))).toBe(false);

    hc.statuses.push(503, 500);
    const exporter = t.services.auditExporter;
    const [first] = await exporter.runOnce();
    expect(first).toMatchObject({ sinkId: s.id, delivered: 0, error: 'HTTP 503: collector overloaded' });
    expect(await sink(s.id)).toMatchObject({ failures: 1, lastError: 'HTTP 503: collector overloaded', position: -1, nextAttemptAt: new Date(t.clock.now().getTime() + 1000).toISOString() });
    expect(await exporter.runOnce(), 'not due before its backoff').toEqual([]);
    t.clock.advance(1000);
    expect((await exporter.runOnce())[0]).toMatchObject({ error: 'HTTP 500: collector overloaded' });
    expect((await sink(s.id)).nextAttemptAt).toBe(new Date(t.clock.now().getTime() + 2000).toISOString());
    t.clock.advance(2000);
    const size = await logSize();
    expect((await exporter.runOnce())[0]).toMatchObject({ delivered: size });
    expect(indexesOf(hc.accepted)).toEqual([...Array(size).keys()]);
    expect(hc.accepted.every((batch) => batch.length <= 4)).toBe(true);
    expect(hc.headers.every((h) => h.authorization === 'Splunk 0d1f-secret' && h['content-type'] === 'application/x-ndjson')).toBe(true);
    expect(await sink(s.id)).toMatchObject({ position: size - 1, lag: 0, failures: 0, delivered: size, lastError: 'HTTP 500: collector overloaded', nextAttemptAt: null });
    expect([1, 2, 3, 4, 10, 30].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 300_000, 300_000]);
  });

  it('resumes after a restart from the stored position, and waits out the lease of a server that died mid-delivery', async () => {
    const [s] = (await asAdmin({ url: '/api/v1/audit/sinks?status=active' })).json().items;
    await activity(2);
    const before = await sink(s.id);
    expect(before.lag).toBeGreaterThan(0);
    // A server that claimed the sink and died: its lease blocks others until it runs out.
    await t.database.db.query("UPDATE audit_sinks SET lease_owner = 'dead-server', lease_until = $2 WHERE id = $1", [s.id, new Date(t.clock.now().getTime() + 60_000)]);
    const restarted = createAuditExporter({ db: t.database.db, clock: t.clock, secrets: createSecretSealer(new Uint8Array(32)) });
    expect(await restarted.runOnce()).toEqual([{ sinkId: s.id, delivered: 0, busy: true }]);
    t.clock.advance(60_001);
    const accepted = hc.accepted.length;
    const run = await restarted.runOnce();
    // This exporter has another master key than the one that sealed the headers: it cannot send them.
    expect(run[0]!.error).toMatch(/sealed under master key \w+, not under/);
    t.clock.advance(1000);
    const [ok] = await t.services.auditExporter.runOnce();
    expect(ok!.delivered).toBe(before.lag);
    expect(indexesOf(hc.accepted.slice(accepted))).toEqual([...Array(before.lag).keys()].map((i) => before.position + 1 + i));
    expect(await sink(s.id)).toMatchObject({ lag: 0 });
  });

  it('keeps delivering to a healthy sink while another hangs, and to syslog one RFC 5424 message per event', async () => {
    const hanging = await startHttpCollector();
    hanging.hang = true;
    const slow = await addSink({ kind: 'http', name: 'hanging', url: `http://127.0.0.1:${hanging.port}/`, startAt: 'now' });
    const sys = await addSink({ kind: 'syslog', name: 'syslog', host: '127.0.0.1', port: syslog.port, format: 'ocsf', hostname: 'palisade-test' });
    const exporter = createAuditExporter({ db: t.database.db, clock: t.clock, secrets: createSecretSealer(new Uint8Array(32)), timeoutMs: 500 });
    await activity(1);
    const started = Date.now();
    const runs = await exporter.runOnce();
    expect(Date.now() - started).toBeLessThan(5000);
    const size = await logSize();
    expect(runs.find((r) => r.sinkId === sys.id)).toMatchObject({ delivered: size });
    expect(runs.find((r) => r.sinkId === slow.id)!.error).toMatch(/aborted|timeout/i);
    expect(syslog.messages).toHaveLength(size);
    expect(syslog.messages.map((m) => Number(m.params.leafIndex))).toEqual([...Array(size).keys()]);
    for (const m of syslog.messages) {
      expect(m).toMatchObject({ version: 1, hostname: 'palisade-test', appName: 'palisade', sdId: 'palisade@32473', hadBom: true });
      expect(m.pri >> 3).toBe(13);
      expect(ocsfProblems(JSON.parse(m.msg))).toEqual([]);
    }
    hanging.server.closeAllConnections();
    hanging.server.close();
  });

  it('stops delivering to a removed sink, records who changed sinks, and lets auditors look but not touch', async () => {
    const s = await addSink({ kind: 'http', name: 'to-remove', url: `http://127.0.0.1:${hc.port}/x?token=abc` });
    expect((await sink(s.id)).destination).toBe(`http://127.0.0.1:${hc.port}/x?…`);
    expect((await asAdmin({ method: 'POST', url: '/api/v1/audit/sinks', payload: { kind: 'http', name: 'TO-REMOVE', url: 'https://x.example/' } })).statusCode).toBe(409);
    expect((await asAdmin({ method: 'DELETE', url: `/api/v1/audit/sinks/${s.id}` })).json()).toMatchObject({ status: 'removed', lag: 0 });
    expect((await t.services.auditExporter.runOnce()).some((r) => r.sinkId === s.id)).toBe(false);
    const events = await t.database.db.query<{ type: string; details: Record<string, unknown> }>(
      "SELECT type, details FROM audit_events WHERE target_id = $1 ORDER BY seq", [s.id]);
    expect(events.map((e) => e.type)).toEqual(['audit_sink.created', 'audit_sink.removed']);
    expect(JSON.stringify(events)).not.toContain('token=abc');
    const auditor = await t.personWithRole('auditor');
    expect((await t.call(auditor.token, { url: '/api/v1/audit/sinks' })).statusCode).toBe(200);
    expect((await t.call(auditor.token, { method: 'DELETE', url: `/api/v1/audit/sinks/${s.id}` })).statusCode).toBe(403);
    const bad = await asAdmin({ method: 'POST', url: '/api/v1/audit/sinks', payload: { kind: 'http', name: 'creds', url: 'https://user:pw@siem.example/' } });
    expect(bad.statusCode).toBe(400);
  });
});

describe('event export', () => {
  const exportEvents = (query: string, token = t.adminToken) => t.call(token, { url: `/api/v1/audit/export/events?${query}` });

  it('streams the integrated events in log order as JSONL or OCSF, with filters and a resume point', async () => {
    await activity(1);
    await asAdmin({ method: 'POST', url: '/api/v1/vendors', payload: { name: 'Not yet integrated' } });
    const size = await logSize();
    const jsonl = await exportEvents('format=jsonl');
    expect(jsonl.statusCode).toBe(200);
    expect(jsonl.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = jsonl.body.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.leafIndex)).toEqual([...Array(size).keys()]);
    expect(lines[0]).toMatchObject({ leafIndex: 0, type: 'person.created', outcome: 'success', actor: { handle: 'system' } });
    const ocsf = (await exportEvents('format=ocsf')).body.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(ocsf).toHaveLength(size);
    for (const o of ocsf) expect(ocsfProblems(o)).toEqual([]);
    const vendors = (await exportEvents('format=jsonl&type=vendor.*&afterIndex=3')).body.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(vendors.length).toBeGreaterThan(0);
    expect(vendors.every((v) => v.type.startsWith('vendor.') && v.leafIndex > 3)).toBe(true);
    const dev = await t.personWithRole('developer');
    expect((await exportEvents('format=ocsf', dev.token)).statusCode).toBe(403);
  });
});
