/**
 * @module bench/authorizer/http — decisions per second over HTTP: the real application (buildApp,
 * token authentication, validation, the authorizer, audit events for denies) listening on
 * loopback, driven by bench/authorizer/load.mjs in a separate process. Single questions
 * (POST /api/v1/authorize) and batches of 100 (POST /api/v1/authorize/batch), each first with every
 * decision evaluated by Cedar (each question once, nothing remembered), then repeated; and GET
 * /api/v1/me for the cost of an authenticated request without a decision.
 *
 * With `--server`, the questions go to a real `palisade serve` process instead, started on the seeded
 * data (a PGlite data folder, or the PostgreSQL database) with its background work (audit sequencer,
 * detection, sweepers) and its request log at the default level, written to a file: what an operator
 * runs. Its policies cannot be swapped from here, so it runs each question once after the start (facts
 * and Cedar cold), then — after 60,000 more questions to warm it up — repeated.
 *
 *   npx tsx bench/authorizer/http.ts [--server]                          # PGlite (in memory without --server)
 *   scripts/with-postgres.sh npx tsx bench/authorizer/http.ts [--server]  # PostgreSQL
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../../src/http/app.ts';
import { setUp } from './setup.ts';

const realServer = process.argv.includes('--server');
const dataDir = realServer ? mkdtempSync(path.join(tmpdir(), 'palisade-bench-server-')) : undefined;
const b = await setUp(dataDir ? { dataDir } : {});
const file = path.join(tmpdir(), `palisade-bench-questions-${process.pid}.json`);
writeFileSync(file, JSON.stringify(b.seeded.grants.map((g) => ({ principal: g.personHandle, action: g.permission, resource: g.resourceName, context: { gateway: 'git' } }))));

/** `palisade serve` on the seeded data, its output in `<dataDir>/server.log`; resolves with its URL once it listens. */
async function startPalisade(dir: string, databaseUrl: string | undefined): Promise<{ url: string; stop: () => Promise<void> }> {
  const logFile = path.join(dir, 'server.log');
  const log = openSync(logFile, 'a');
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const bin = path.join(import.meta.dirname, '../../bin/palisade.mjs');
  const child = spawn(process.execPath, [bin, 'serve', '--data', dir, '--port', '0'], { env, stdio: ['ignore', log, log] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let waited = 0; waited < 60_000; waited += 100) {
    const m = /Palisade listening on (\S+)/.exec(readFileSync(logFile, 'utf8'));
    if (m) return { url: m[1]!, stop: async () => { child.kill('SIGTERM'); await exited; } };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`palisade serve did not start: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
}

let url: string;
let stop: () => Promise<void>;
if (dataDir) {
  await b.detach();
  ({ url, stop } = await startPalisade(dataDir, b.url));
} else {
  const app = await buildApp({ services: b.services, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  stop = () => app.close();
}

function load(env: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(import.meta.dirname, 'load.mjs')], {
      env: { ...process.env, TARGET_URL: url, TOKEN: b.adminToken, QUESTIONS: file, ...env }, maxBuffer: 1 << 20,
    }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout))));
  });
}

const runs: Record<string, unknown> = {};
const load0 = loadavg()[0]!;
const n = String(b.seeded.grants.length);
runs.me_baseline = await load({ MODE: 'me', CONNECTIONS: '16', REQUESTS: process.env.REQUESTS ?? '20000' });
if (realServer) {
  // Each question once after the start: facts loaded and every decision evaluated by Cedar.
  runs.single_first_after_start = await load({ MODE: 'single', CONNECTIONS: '16', REQUESTS: n, WARMUP: '0' });
  // A server runs for days: let V8 finish compiling its hot code (PGlite's WebAssembly above all)
  // before measuring the steady state.
  await load({ MODE: 'single', CONNECTIONS: '16', REQUESTS: '60000', WARMUP: '0' });
} else {
  // Each of the 10,000 questions once, with nothing remembered: every decision is evaluated by Cedar.
  await b.freshPolicies();
  runs.single_every_decision_by_cedar = await load({ MODE: 'single', CONNECTIONS: '16', REQUESTS: n, WARMUP: '0' });
}
runs.single_repeated = await load({ MODE: 'single', CONNECTIONS: '16', REQUESTS: process.env.REQUESTS ?? '20000' });
if (!realServer) {
  await b.freshPolicies();
  runs.batch_every_decision_by_cedar = await load({ MODE: 'batch', BATCH: '100', CONNECTIONS: '4', REQUESTS: String(Number(n) / 100), WARMUP: '0' });
}
runs.batch_repeated = await load({ MODE: 'batch', BATCH: '100', CONNECTIONS: '4', REQUESTS: process.env.BATCH_REQUESTS ?? '600', WARMUP: '20' });
console.log(JSON.stringify({
  database: b.dialect, server: realServer ? 'palisade serve' : 'in the benchmark process', policies: b.seeded.policyCount, runs,
  ...(realServer ? {} : { cache: b.services.authorizer.cache.stats() }),
  loadavg_1m: [load0, loadavg()[0]].map((l) => Number(l!.toFixed(2))),
}, null, 2));
await stop();
await b.close();
