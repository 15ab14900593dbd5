/**
 * Ingestion and export end to end: a real server (with its background sequencer and exporter), the
 * real `palisade` command fed through stdin, a GitHub-style webhook over HTTP, and a real TCP syslog
 * collector that the server delivers to by itself. PGlite, or PostgreSQL when DATABASE_URL is set.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../src/core/secret-token.ts';
import { ocsfProblems } from '../../src/modules/audit-export/ocsf-schema.test-support.ts';
import { startCollector, type Collector } from '../../src/modules/audit-export/syslog-test-listener.test-support.ts';
import { githubSignature } from '../../src/modules/ingest/github-signature.ts';
import type { RunningServer } from '../../src/server.ts';
import { startInProcessServer, type InProcessServer } from './in-process-server.ts';

const BIN = fileURLToPath(new URL('../../bin/palisade.mjs', import.meta.url));
const FIXTURES = new URL('../fixtures/ingest/', import.meta.url);
const adminToken = generateToken();

let server: RunningServer;
let dir: string;
let collector: Collector;
let running: InProcessServer | undefined;

/** Run `palisade …` with `stdin` piped in. */
function cli(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PALISADE_URL: server.url, PALISADE_TOKEN: adminToken },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  running = await startInProcessServer('palisade-ingest-e2e-', adminToken);
  server = running.server;
  dir = running.dir;
  collector = await startCollector();
}, 60_000);

afterAll(async () => {
  await running?.close();
  await collector?.close();
});

describe('ingestion and export, end to end', () => {
  it('takes an auth.log on stdin, reports malformed lines by their line in the file, and exits 1 for them', async () => {
    const log = await readFile(new URL('auth-log.txt', FIXTURES), 'utf8');
    const ok = await cli(['ingest', 'sshd', '--host', 'web-1', '--year', '2026'], log);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^web-1: 26 recorded, 0 already known, 0 rejected, 2 skipped \(2 not an sshd line\)/);
    const again = await cli(['ingest', 'sshd', '--host', 'web-1', '--year', '2026', '--json'], log);
    expect(JSON.parse(again.stdout)).toMatchObject({ accepted: 0, duplicates: 26 });
    const bad = await cli(['ingest', 'sshd', '--host', 'web-1'], `${log}garbage line\nMar  2 11:00:00 web-1 sshd[5]: Invalid user z from 192.0.2.99 port 9\n`);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/1 recorded, 26 already known, 1 rejected/);
    expect(bad.stderr).toMatch(/^line 29: no timestamp/m);
  });

  it('takes a signed GitHub webhook delivery over HTTP', async () => {
    const secret = (await cli(['ingest', 'github-secret', '--json'])).stdout;
    const { secret: value } = JSON.parse(secret) as { secret: string };
    const body = await readFile(new URL('github-audit.ndjson', FIXTURES));
    const res = await fetch(`${server.url}/api/v1/ingest/github`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'audit_log_streaming', 'x-hub-signature-256': githubSignature(value, body) }, body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 5, rejected: 0 });
    const forged = await fetch(`${server.url}/api/v1/ingest/github`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=' + '1'.repeat(64) }, body });
    expect(forged.status).toBe(401);
  });

  it('delivers the whole log to a syslog collector by itself, and exports it as OCSF to a file', async () => {
    const added = await cli(['audit', 'sink-add', 'syslog', '--name', 'collector', '--host', '127.0.0.1', '--port', String(collector.port), '--format', 'ocsf', '--json']);
    expect(added.code, added.stderr).toBe(0);
    const size = await until('the log to hold the ingested events', async () => {
      const r = await fetch(`${server.url}/api/v1/audit/checkpoint`, { headers: { authorization: `Bearer ${adminToken}` } });
      const cp = (await r.json()) as { treeSize?: number; size?: number };
      const n = cp.treeSize ?? cp.size ?? 0;
      return n >= 35 ? n : undefined;
    });
    await until('the collector to receive the log', async () => (collector.messages.length >= size ? true : undefined));
    const indexes = collector.messages.map((m) => Number(m.params.leafIndex));
    expect(indexes.slice(0, size)).toEqual([...Array(size).keys()]);
    for (const m of collector.messages) expect(ocsfProblems(JSON.parse(m.msg))).toEqual([]);
    expect(collector.messages.some((m) => m.msgId === 'ssh.login')).toBe(true);
    const out = path.join(dir, 'events.ocsf.jsonl');
    const exported = await cli(['audit', 'export-events', '--format', 'ocsf', '--type', 'ssh.*', '--type', 'github.*', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(exported.stdout).toBe(`wrote ${lines.length} events to ${out} (ocsf)\n`);
    expect(lines.length).toBeGreaterThanOrEqual(32);
    expect(new Set(lines.map((l) => l.class_uid))).toEqual(new Set([3002, 3005, 6003, 6006]));
    const sinks = JSON.parse((await cli(['audit', 'sinks', '--json'])).stdout);
    expect(sinks[0]).toMatchObject({ name: 'collector', failures: 0 });
  }, 60_000);
});
