/**
 * The audit commands of the real `palisade` CLI (child processes) against a real server started in
 * this process, whose background sequencer integrates and signs on its own: checkpoint, verifier key,
 * proofs checked on the client, consistency from a saved checkpoint, export, and offline verification
 * that names each kind of damage (the offline commands run with no server address and no token).
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../src/core/secret-token.ts';
import type { RunningServer } from '../../src/server.ts';
import { startInProcessServer, type InProcessServer } from './in-process-server.ts';

const BIN = fileURLToPath(new URL('../../bin/palisade.mjs', import.meta.url));
const adminToken = generateToken();
let server: RunningServer;
let dir: string;
let running: InProcessServer | undefined;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `palisade …` with only what a user would set; `offline` runs it with no server and no token at all. */
function cli(args: string[], opts: { offline?: boolean; stdin?: string } = {}): Promise<Run> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...(opts.offline ? {} : { PALISADE_URL: server.url, PALISADE_TOKEN: adminToken }) };
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: env as NodeJS.ProcessEnv, timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
    child.stdin!.end(opts.stdin ?? '');
  });
}

const ok = (r: Run) => {
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return r;
};

async function until(check: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Call the API directly (faster than the CLI for setup). */
// The API's answers are checked by the assertions themselves, so they are read loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const api = async (method: string, url: string, body?: unknown): Promise<any> =>
  (await fetch(`${server.url}${url}`, {
    method, headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  })).json();

/** Wait until the latest checkpoint covers every event written so far. */
async function settled(): Promise<number> {
  let size = 0;
  await until(async () => {
    const events = await api('GET', '/api/v1/audit/events?limit=200');
    const last = events.items.at(-1);
    const cp = await api('GET', '/api/v1/audit/checkpoint');
    size = cp.treeSize;
    return last?.leafIndex !== null && cp.treeSize > last.leafIndex && events.nextCursor === null;
  });
  return size;
}

let key = '';
beforeAll(async () => {
  running = await startInProcessServer('palisade-audit-cli-', adminToken, { env: { PALISADE_LOG_NAME: 'cli-test' }, dataSubdir: 'data' });
  server = running.server;
  dir = running.dir;
  for (let i = 0; i < 5; i++) await api('POST', '/api/v1/vendors', { name: `Vendor ${i}` });
  await settled();
});

afterAll(async () => {
  await running?.close();
});

describe('palisade audit', () => {
  it('prints the verifier key and a checkpoint signed by it, refusing a checkpoint under another pinned key', async () => {
    key = ok(await cli(['audit', 'verifier-key'])).stdout.trim();
    expect(key).toMatch(/^palisade\.cli-test\/audit\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
    const note = ok(await cli(['audit', 'checkpoint', '--verifier-key', key])).stdout;
    expect(note).toMatch(/^palisade\.cli-test\/audit\n\d+\n[A-Za-z0-9+/]{43}=\n\n— palisade\.cli-test\/audit \S+\n$/);
    await writeFile(path.join(dir, 'old.note'), note);
    const wrong = await cli(['audit', 'checkpoint', '--verifier-key', 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/NOT signed by the pinned key/);
  });

  it('proves an event, saves the proof, and verify-event checks it offline — and refuses an altered event', async () => {
    const event = (await api('GET', '/api/v1/audit/events?type=vendor.created&limit=1')).items[0];
    const saveDir = path.join(dir, 'proof');
    const run = ok(await cli(['audit', 'proof', event.id, '--save', saveDir, '--verifier-key', key]));
    expect(run.stdout).toMatch(/verified:\s+yes \(pinned key\)/);
    const args = ['audit', 'verify-event', '--proof', `${saveDir}/proof.json`, '--checkpoint', `${saveDir}/checkpoint.note`, '--verifier-key', key];
    expect(ok(await cli([...args, '--event', `${saveDir}/event.json`], { offline: true })).stdout).toMatch(/^VERIFIED: the event is leaf \d+ of the log of \d+ events/);
    // The event as the events query prints it works too, read from stdin.
    expect(ok(await cli([...args, '--event', '-'], { offline: true, stdin: JSON.stringify(event) })).stdout).toMatch(/^VERIFIED/);
    const altered = { ...event, details: { ...event.details, name: 'Vendor X' } };
    const bad = await cli([...args, '--event', '-'], { offline: true, stdin: JSON.stringify(altered) });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAILED: not-included/);
  });

  it('proves that the log grew consistently from a checkpoint saved earlier', async () => {
    await api('POST', '/api/v1/vendors', { name: 'Vendor later' });
    await settled();
    const run = ok(await cli(['audit', 'consistency', '--from', path.join(dir, 'old.note'), '--verifier-key', key]));
    expect(run.stdout).toMatch(/^CONSISTENT: the log of \d+ events extends the log of \d+ events \(pinned key\)/);
  });

  it('exports a bundle that verifies offline with the pinned key, and names the damage when an event is altered or removed', async () => {
    const size = await settled();
    const out = path.join(dir, 'bundle');
    const exported = ok(await cli(['audit', 'export', '--out', out, '--page-size', '3']));
    expect(exported.stdout).toMatch(new RegExp(`wrote .*bundle: ${size} events`));
    const good = ok(await cli(['audit', 'verify', out, '--verifier-key', key, '--checkpoint', path.join(dir, 'old.note')], { offline: true }));
    expect(good.stdout).toMatch(new RegExp(`VERIFIED: events 0\\.\\.${size - 1}`));
    expect(good.stderr).toBe('');

    const unpinned = ok(await cli(['audit', 'verify', out], { offline: true }));
    expect(unpinned.stderr).toMatch(/WARNING: no --verifier-key given/);

    const events = path.join(out, 'events.jsonl');
    const lines = (await readFile(events, 'utf8')).split('\n');
    await writeFile(events, lines.map((l, i) => (i === 3 ? l.replace('Vendor', 'Vendr') : l)).join('\n'));
    const modified = await cli(['audit', 'verify', out, '--verifier-key', key], { offline: true });
    expect(modified.code).toBe(1);
    expect(modified.stdout).toMatch(/FAILED/);
    expect(modified.stdout, modified.stdout).toMatch(/modified-event: event 3 \(line 4\) was modified/);

    await writeFile(events, lines.filter((_, i) => i !== 2).join('\n'));
    const removed = await cli(['audit', 'verify', out, '--verifier-key', key, '--json'], { offline: true });
    expect(removed.code).toBe(1);
    expect(JSON.parse(removed.stdout).problems.map((p: { kind: string }) => p.kind)).toContain('removed-events');
  });

  it('refuses usage mistakes with exit code 2', async () => {
    const [noDir, badKey] = await Promise.all([
      cli(['audit', 'verify', path.join(dir, 'nothing-here')], { offline: true }),
      cli(['audit', 'verify-event', '--proof', 'x', '--checkpoint', 'y', '--verifier-key', 'not-a-key'], { offline: true }),
    ]);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/is not a bundle directory/);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/neither a verifier key .* nor a file/);
  });
});
