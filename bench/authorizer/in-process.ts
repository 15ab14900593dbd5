/**
 * @module bench/authorizer/in-process — decision latency of `services.authorizer.authorize` in
 * process, as a gateway calls it: warm cache (the steady state), cold cache (right after a change
 * empties it), the deny path (which also writes the authz.denied event), and the parts (the epoch
 * read every decision makes, and one Cedar evaluation).
 *
 *   npx tsx bench/authorizer/in-process.ts                          # PGlite in memory
 *   scripts/with-postgres.sh npx tsx bench/authorizer/in-process.ts  # PostgreSQL
 */
import { loadavg } from 'node:os';
import { systemActor } from '../../src/modules/auth/actor.ts';
import { readEpoch } from '../../src/modules/authorizer/authz-facts.ts';
import type { AuthorizeInput } from '../../src/modules/authorizer/authorizer-types.ts';
import { evaluate } from '../../src/modules/policy/cedar-engine.ts';
import { cedarQuestion } from '../../src/modules/policy/policy-entities.ts';
import { percentiles, setUp } from './setup.ts';
import { prng } from './seed.ts';

const SAMPLES = Number(process.env.SAMPLES ?? 20_000);
const DENY_SAMPLES = Number(process.env.DENY_SAMPLES ?? 2_000);

const b = await setUp();
const authz = b.services.authorizer;
const r = prng(99);
const load = [loadavg()[0]!];

const grantQuestions: AuthorizeInput[] = b.seeded.grants.map((g) => ({ principal: g.personHandle, action: g.permission, resource: g.resourceName, context: { gateway: 'git' } }));
const granted = new Set(b.seeded.grants.map((g) => `${g.personHandle} ${g.resourceName}`));
const denyQuestions: AuthorizeInput[] = [];
while (denyQuestions.length < DENY_SAMPLES) {
  const d = r.pick(b.seeded.developers).handle;
  const res = r.pick(b.seeded.resources).name;
  if (!granted.has(`${d} ${res}`)) denyQuestions.push({ principal: d, action: 'read', resource: res, context: { gateway: 'ssh', sourceIp: '203.0.113.9' } });
}

async function time(questions: AuthorizeInput[], n: number) {
  const lat = { allow: [] as number[], deny: [] as number[] };
  for (let i = 0; i < n; i++) {
    const q = questions[r.int(questions.length)]!;
    const t = performance.now();
    const d = await authz.authorize(systemActor, q);
    lat[d.decision].push(performance.now() - t);
  }
  return { allow: lat.allow.length ? percentiles(lat.allow) : null, deny: lat.deny.length ? percentiles(lat.deny) : null };
}

process.stderr.write("stage: warm\n");
// Warm every person and resource once, then measure the steady state.
for (const q of grantQuestions) await authz.authorize(systemActor, q);
const warm = await time(grantQuestions, SAMPLES);
load.push(loadavg()[0]!);

process.stderr.write("stage: cold\n");
// Cold: every question right after a change emptied the cache (a settings write bumps the epoch).
const coldLat: number[] = [];
for (let i = 0; i < 300; i++) {
  await b.db.query("UPDATE authz_epoch SET version = version + 1 WHERE id = 1");
  const q = grantQuestions[r.int(grantQuestions.length)]!;
  const t = performance.now();
  await authz.authorize(systemActor, q);
  coldLat.push(performance.now() - t);
}
const cold = percentiles(coldLat);
for (const q of grantQuestions) await authz.authorize(systemActor, q);

process.stderr.write("stage: deny\n");
const deny = await time(denyQuestions, DENY_SAMPLES);
load.push(loadavg()[0]!);

process.stderr.write("stage: parts\n");
// The parts: the epoch read, and one Cedar evaluation of a typical question against the 100 policies.
const epochLat: number[] = [];
for (let i = 0; i < 5000; i++) {
  const t = performance.now();
  await readEpoch(b.db);
  epochLat.push(performance.now() - t);
}
const set = (await b.services.policies.inForce()).set!;
const question = cedarQuestion('read',
  { handle: 'dev-001', kind: 'external', role: 'developer', status: 'active', vendorId: 'v', duty: 'backend' },
  { name: 'res-0001', kind: 'git_repository', environment: 'staging', sensitivity: 'internal', status: 'active', ownerHandle: 'owner-01', labels: { team: 'team-1' } },
  { now: new Date(), sourceIp: '10.1.2.3', gateway: 'git', engagement: { id: 'e', name: 'E', status: 'active', startDate: '2026-01-01', endDate: '2030-01-01' }, readiness: { ready: true, unmet: [] }, grantPermission: 'read', permission: 'read', durationSeconds: 0 });
const cedarLat: number[] = [];
for (let i = 0; i < 20_000; i++) {
  const t = performance.now();
  evaluate(set, question);
  cedarLat.push(performance.now() - t);
}
load.push(loadavg()[0]!);

const result = {
  database: b.dialect,
  policies: b.seeded.policyCount,
  warm_grant_questions: warm,
  cold_cache: cold,
  deny_with_audit_event: deny,
  epoch_read: percentiles(epochLat),
  cedar_evaluate: percentiles(cedarLat.slice(2000)),
  cache: authz.cache.stats(),
  loadavg_1m: load.map((l) => Number(l.toFixed(2))),
};
console.log(JSON.stringify(result, null, 2));
await b.close();
