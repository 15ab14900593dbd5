/**
 * Crash safety of the audit log with real server processes: a high-rate stream of acknowledged
 * mutations, SIGKILL in the middle, restart. Every event acknowledged with a 2xx is in the log, the
 * exported tree verifies offline, and the new checkpoints are consistent with every checkpoint
 * fetched before the crash. On PostgreSQL also: a second server takes over as sequencer when the
 * first is killed. PGlite by default; PostgreSQL when DATABASE_URL is set.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../src/core/secret-token.ts';
import { decodeBase64 } from '../../src/modules/audit/tlog/base64.ts';
import { openCheckpoint, parseVerifierKey, verifyBundle, verifyConsistency } from '../../src/modules/audit/tlog/index.ts';
import { createDataStore, killLeftovers, startPalisade, type DataStore, type RunningServer } from './process.ts';

const BIN = fileURLToPath(new URL('../../bin/palisade.mjs', import.meta.url));
const ON_POSTGRES = Boolean(process.env.DATABASE_URL);
const stores: DataStore[] = [];
afterAll(async () => {
  await killLeftovers();
  for (const s of stores) await s.remove();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function client(server: { url: string }, token: string) {
  return async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
}

/** Many parallel writers creating vendors until `stop()`; `acked` holds the ids answered with 2xx. */
function stream(call: ReturnType<typeof client>, workers: number) {
  const acked: string[] = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      try {
        const res = await call('POST', '/api/v1/vendors', { name: `crash-${randomBytes(6).toString('hex')}-${n++}` });
        if (res.status >= 200 && res.status < 300) acked.push(res.body.id);
      } catch {
        // The server died under us: this request was never acknowledged.
      }
    }
  });
  return { acked, stop: async () => ((running = false), await Promise.all(loops)) };
}

/** Wait until the latest checkpoint stops growing and covers the newest event. */
async function settle(call: ReturnType<typeof client>): Promise<{ treeSize: number; note: string }> {
  let last = -1;
  for (let i = 0; i < 200; i++) {
    const cp = await call('GET', '/api/v1/audit/checkpoint');
    if (cp.status === 200 && cp.body.treeSize === last) return cp.body;
    last = cp.status === 200 ? cp.body.treeSize : -1;
    await sleep(700);
  }
  throw new Error('the log did not settle');
}

function exportBundle(server: RunningServer, token: string, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, 'audit', 'export', '--out', out], { env: { PATH: process.env.PATH, PALISADE_URL: server.url, PALISADE_TOKEN: token }, timeout: 120_000 },
      (err, _stdout, stderr) => (err ? reject(new Error(`export failed: ${stderr}`)) : resolve()));
  });
}

describe('the audit log across a crash', () => {
  it('keeps every acknowledged event, verifies, and stays consistent with the checkpoints published before', async () => {
    const store = await createDataStore();
    stores.push(store);
    const token = generateToken();
    const first = await startPalisade(store, { env: { PALISADE_BOOTSTRAP_TOKEN: token } });
    const call = client(first, token);
    const verifierKey = (await call('GET', '/api/v1/audit/verifier-key')).body.verifierKey as string;

    const writers = stream(call, 16);
    const published: string[] = [];
    // Keep fetching checkpoints while the stream runs, as a monitor would.
    const start = Date.now();
    while (Date.now() - start < 4000 || writers.acked.length < 200) {
      await sleep(300);
      const cp = await call('GET', '/api/v1/audit/checkpoint').catch(() => null);
      if (cp?.status === 200 && !published.includes(cp.body.note)) published.push(cp.body.note);
      if (Date.now() - start > 60_000) break;
    }
    await first.stop('SIGKILL');
    await writers.stop();
    const acked = [...writers.acked];
    expect(acked.length).toBeGreaterThan(100);
    expect(published.length).toBeGreaterThan(2);

    const second = await startPalisade(store);
    const call2 = client(second, token);
    expect((await call2('GET', '/api/v1/audit/verifier-key')).body.verifierKey).toBe(verifierKey);
    const latest = await settle(call2);

    const out = path.join(await mkdtemp(path.join(tmpdir(), 'palisade-crash-')), 'bundle');
    await exportBundle(second, token, out);
    const report = await verifyBundle(out, { verifierKey, checkpoints: published, strict: true });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.verifiedSize).toBe(latest.treeSize);

    const logged = new Set(
      (await readFile(path.join(out, 'events.jsonl'), 'utf8')).split('\n').filter(Boolean)
        .map((line) => JSON.parse(line) as { type: string; target: { id: string } })
        .filter((e) => e.type === 'vendor.created').map((e) => e.target.id),
    );
    expect(acked.filter((id) => !logged.has(id))).toEqual([]);
    if (process.env.PALISADE_TEST_LOG) console.info(`crash test: ${acked.length} acknowledged vendors, ${published.length} checkpoints before the kill, ${latest.treeSize} events after restart`);

    // Every checkpoint published before the crash is extended by the new latest one.
    const key = parseVerifierKey(verifierKey);
    const newest = openCheckpoint(latest.note, key);
    for (const note of published) {
      const old = openCheckpoint(note, key);
      const proof = (await call2('GET', `/api/v1/audit/consistency?from=${old.size}&to=${newest.size}`)).body.proof as string[];
      expect(verifyConsistency(old.size, newest.size, proof.map((h) => decodeBase64(h)!), old.rootHash, newest.rootHash), `from ${old.size}`).toBe(true);
    }
    await second.stop();
    await rm(path.dirname(out), { recursive: true, force: true });
  }, 240_000);

  it.skipIf(!ON_POSTGRES)('lets a second server take over as sequencer when the first is killed', async () => {
    const store = await createDataStore();
    stores.push(store);
    const token = generateToken();
    const env = { PALISADE_BOOTSTRAP_TOKEN: token, PALISADE_MASTER_KEY: randomBytes(32).toString('base64') };
    const a = await startPalisade(store, { env });
    const b = await startPalisade(store, { env });
    const callA = client(a, token);
    const callB = client(b, token);
    await callA('POST', '/api/v1/vendors', { name: 'before the kill' });
    const before = await settle(callB);
    await a.stop('SIGKILL');
    const after = (await callB('POST', '/api/v1/vendors', { name: 'after the kill' })).body.id as string;
    let proven = false;
    for (let i = 0; i < 60 && !proven; i++) {
      await sleep(500);
      const event = (await callB('GET', `/api/v1/audit/events?targetId=${after}`)).body.items[0];
      proven = (await callB('GET', `/api/v1/audit/events/${event.id}`)).body.status === 'proven';
    }
    expect(proven).toBe(true);
    const latest = (await callB('GET', '/api/v1/audit/checkpoint')).body;
    expect(latest.treeSize).toBeGreaterThan(before.treeSize);
    await b.stop();
  }, 120_000);
});
