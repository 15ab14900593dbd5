/**
 * @module bench/authorizer/in-process — decision latency of `services.authorizer.authorize` in
 * process, as a gateway calls it, with the facts cached:
 *   - every decision evaluated by Cedar: each of the 10,000 grant questions once, right after the
 *     policies were put in force again (nothing remembered);
 *   - repeated questions (the steady state of gateways: the same person, resource and source ask
 *     again): 20,000 questions drawn at random from the same 10,000;
 *   - cold facts: every question right after a change emptied the facts cache;
 *   - denies, which also write the authz.denied event;
 *   - the parts: the epoch read (PostgreSQL reads it on every decision) and one Cedar evaluation.
 *
 *   npx tsx bench/authorizer/in-process.ts                          # PGlite in memory
 *   scripts/with-postgres.sh npx tsx bench/authorizer/in-process.ts  # PostgreSQL
 */
import { loadavg } from 'node:os';
import { systemActor } from '../../src/modules/auth/actor.ts';
import { readEpoch } from '../../src/modules/authorizer/authz-facts.ts';
import type { AuthorizeInput } from '../../src/modules/authorizer/authorizer-types.ts';
import { compilePolicySet, evaluate, type CompiledPolicySet } from '../../src/modules/policy/cedar-engine.ts';
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

async function time(questions: AuthorizeInput[]) {
  const lat = { allow: [] as number[], deny: [] as number[] };
  for (const q of questions) {
    const t = performance.now();
    const d = await authz.authorize(systemActor, q);
    lat[d.decision].push(performance.now() - t);
  }
  return { allow: lat.allow.length ? percentiles(lat.allow) : null, deny: lat.deny.length ? percentiles(lat.deny) : null };
}
const shuffled = <T>(a: T[]) => {
  const c = [...a];
  for (let i = c.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [c[i], c[j]] = [c[j]!, c[i]!];
  }
  return c;
};

// Warm up the code paths, then start from nothing remembered with every fact cached.
for (const q of grantQuestions.slice(0, 2000)) await authz.authorize(systemActor, q);
await b.freshPolicies();
const everyDecisionByCedar = await time(shuffled(grantQuestions));
load.push(loadavg()[0]!);
const repeated = await time(Array.from({ length: SAMPLES }, () => grantQuestions[r.int(grantQuestions.length)]!));
load.push(loadavg()[0]!);

// Cold facts: every question right after a real change (any row of a watched table) emptied the cache.
const coldLat: number[] = [];
for (let i = 0; i < 300; i++) {
  await b.db.query("UPDATE people SET updated_at = updated_at WHERE handle = 'admin'");
  const q = grantQuestions[r.int(grantQuestions.length)]!;
  const t = performance.now();
  await authz.authorize(systemActor, q);
  coldLat.push(performance.now() - t);
}
const coldFacts = percentiles(coldLat);
for (const q of grantQuestions) await authz.authorize(systemActor, q);
const deny = await time(denyQuestions);
load.push(loadavg()[0]!);

// The parts: the epoch read, and one Cedar evaluation of a typical question against the 100 policies
// (a fresh compiled set for each, so that nothing is remembered).
const epochLat: number[] = [];
for (let i = 0; i < 5000; i++) {
  const t = performance.now();
  await readEpoch(b.db);
  epochLat.push(performance.now() - t);
}
const text = (await b.services.policies.inForce()).set!.text;
const cedarLat: number[] = [];
let set = compilePolicySet(text) as CompiledPolicySet;
for (let i = 0; i < 6000; i++) {
  const question = cedarQuestion('read',
    { handle: `dev-${String(i % 500).padStart(3, '0')}`, kind: 'external', role: 'developer', status: 'active', vendorId: 'v', duty: 'backend' },
    { name: `res-${String(i % 1000).padStart(4, '0')}`, kind: 'git_repository', environment: 'staging', sensitivity: 'internal', status: 'active', ownerHandle: 'owner-01', labels: { team: `team-${i % 30}` } },
    { now: new Date(), sourceIp: '10.1.2.3', gateway: 'git', engagement: { id: 'e', name: 'E', status: 'active', startDate: '2026-01-01', endDate: '2030-01-01' }, readiness: { ready: true, unmet: [] }, grantPermission: 'read', permission: 'read', durationSeconds: 0 });
  if (i % 1000 === 0) set = compilePolicySet(text) as CompiledPolicySet;
  const t = performance.now();
  evaluate(set, question);
  cedarLat.push(performance.now() - t);
}
load.push(loadavg()[0]!);

console.log(JSON.stringify({
  database: b.dialect,
  policies: b.seeded.policyCount,
  every_decision_evaluated_by_cedar: everyDecisionByCedar,
  repeated_questions: repeated,
  cold_facts: coldFacts,
  deny_with_audit_event: deny.deny,
  epoch_read: percentiles(epochLat),
  cedar_evaluate_once: percentiles(cedarLat.slice(500)),
  cache: authz.cache.stats(),
  loadavg_1m: load.map((l) => Number(l.toFixed(2))),
}, null, 2));
await b.close();
