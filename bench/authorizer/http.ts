/**
 * @module bench/authorizer/http — decisions per second over HTTP: the real application (buildApp,
 * token authentication, validation, the authorizer, audit events for denies) listening on
 * loopback, driven by bench/authorizer/load.mjs in a separate process. Single questions
 * (POST /api/v1/authorize) and batches of 100 (POST /api/v1/authorize/batch), each first with every
 * decision evaluated by Cedar (each question once, nothing remembered), then repeated; and GET
 * /api/v1/me for the cost of an authenticated request without a decision.
 *
 *   npx tsx bench/authorizer/http.ts                          # PGlite in memory
 *   scripts/with-postgres.sh npx tsx bench/authorizer/http.ts  # PostgreSQL
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/http/app.ts';
import { setUp } from './setup.ts';

const b = await setUp();
const app = await buildApp({ services: b.services, logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const file = path.join(tmpdir(), `palisade-bench-questions-${process.pid}.json`);
writeFileSync(file, JSON.stringify(b.seeded.grants.map((g) => ({ principal: g.personHandle, action: g.permission, resource: g.resourceName, context: { gateway: 'git' } }))));

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
// Each of the 10,000 questions once, with nothing remembered: every decision is evaluated by Cedar.
await b.freshPolicies();
runs.single_every_decision_by_cedar = await load({ MODE: 'single', CONNECTIONS: '16', REQUESTS: n, WARMUP: '0' });
runs.single_repeated = await load({ MODE: 'single', CONNECTIONS: '16', REQUESTS: process.env.REQUESTS ?? '20000' });
await b.freshPolicies();
runs.batch_every_decision_by_cedar = await load({ MODE: 'batch', BATCH: '100', CONNECTIONS: '4', REQUESTS: String(Number(n) / 100), WARMUP: '0' });
runs.batch_repeated = await load({ MODE: 'batch', BATCH: '100', CONNECTIONS: '4', REQUESTS: process.env.BATCH_REQUESTS ?? '600', WARMUP: '20' });
console.log(JSON.stringify({ database: b.dialect, policies: b.seeded.policyCount, runs, cache: b.services.authorizer.cache.stats(), loadavg_1m: [load0, loadavg()[0]].map((l) => Number(l!.toFixed(2))) }, null, 2));
await b.services.authorizer.close();
await app.close();
await b.close();
