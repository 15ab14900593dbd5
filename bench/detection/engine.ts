/**
 * @module bench/detection/engine — Sigma engine throughput: the built-in rules (src/modules/detection/rules/*.yml)
 * plus 100 generated rules (equality lists, contains, startswith, endswith, re, cidr, comparisons, exists,
 * keywords, `1 of`, `not` filters, and a few correlations) over Palisade's enriched event fields, with at least
 * 1,000,000 synthetic events streamed through `evaluate`, one at a time, on one thread.
 * Reports events/s by wall clock and per CPU-second (process.cpuUsage), and the load average: the machine is shared.
 *
 *   npx tsx bench/detection/engine.ts [--events 1000000] [--generated 100] [--no-index]
 * (`--no-index` turns off the value index: every rule of the event's log source is evaluated, the worst case.)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { compileRuleSet, loadSigmaRules } from '../../src/modules/detection/sigma/index.ts';
import type { SigmaDetectionRule, SigmaEvent, SigmaSource } from '../../src/modules/detection/sigma/index.ts';
import { chooseIndexKeys, necessaryConditions } from '../../src/modules/detection/sigma/prefilter.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = arg('events', 1_000_000);
const GENERATED = arg('generated', 100);
const INDEX = !process.argv.includes('--no-index');

/** mulberry32: a small seeded generator, so every run sees the same rules and events. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = seeded(7);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const pickN = <T>(xs: readonly T[], n: number): T[] => [...new Set(Array.from({ length: n }, () => pick(xs)))];

const TYPES = ['git.clone', 'git.fetch', 'git.push', 'git.ls-refs', 'ssh.login', 'ssh.session', 'auth.failed', 'auth.login', 'authz.denied', 'access.denied', 'grant.created', 'grant.revoked', 'resource.read', 'resource.updated', 'engagement.updated', 'person.updated', 'token.created', 'export.downloaded'];
const HANDLES = ['mona', 'octocat', 'hubot', 'alice-ext', 'bob-ext', 'carol', 'dave-contractor', 'erin', 'frank-vendor', 'grace'];
const REPOS = ['payments-api', 'payments-web', 'infra-terraform', 'mobile-app', 'docs', 'ledger-core', 'auth-service', 'data-pipeline', 'secrets-vault', 'frontend'];
const PATHS = ['src/main.ts', 'config/prod.env', '.github/workflows/deploy.yml', 'keys/id_rsa', 'README.md', 'terraform/main.tf', 'db/migrations/0001.sql', 'scripts/release.sh'];
const ENVS = ['production', 'staging', 'development'];
const NETS = ['10.0.0.0/8', '192.168.0.0/16', '172.16.0.0/12', '203.0.113.0/24', '198.51.100.0/24', '2001:db8::/32'];
const GITHUB_ACTIONS = ['repo.destroy', 'repo.create', 'org.add_member', 'git.clone', 'repo.access', 'protected_branch.update', 'secret_scanning_push_protection.bypass', 'org.invite_member', 'team.add_repository', 'repo.transfer_outgoing'];

/** One generated detection (or correlation) rule, as a Sigma YAML document. */
function generatedRule(i: number): Record<string, unknown> {
  const base = { title: `Generated rule ${i}`, id: `bench-${i}`, name: `bench_${i}`, level: pick(['low', 'medium', 'high']), tags: ['bench'] };
  const palisade = { product: 'palisade' };
  const shape = i % 10;
  let detection: Record<string, unknown>;
  switch (shape) {
    case 0:
      detection = { sel: { type: pickN(TYPES, 3), 'developer.kind': 'external', 'resource.environment': pick(ENVS) }, condition: 'sel' };
      break;
    case 1:
      detection = { sel: { 'type|startswith': pick(['git.', 'ssh.', 'auth']), 'resource.name|contains': pickN(REPOS, 2).map((r) => r.slice(0, 6)), 'resource.environment': 'production', 'developer.kind': 'external' }, filter: { 'developer.handle': pick(HANDLES) }, condition: 'sel and not filter' };
      break;
    case 2:
      detection = { sel: { 'details.path|endswith': pickN(PATHS, 2).map((p) => p.slice(p.lastIndexOf('/') + 1)), outcome: 'success', type: 'git.push', 'developer.handle': pick(HANDLES) }, condition: 'sel' };
      break;
    case 3:
      detection = { sel: { 'source.ip|cidr': pickN(NETS, 2), type: pickN(TYPES, 2), outcome: 'failure' }, condition: 'sel' };
      break;
    case 4:
      detection = { sel: { 'details.path|re': pick(['^keys/.*(rsa|ed25519)$', '\\.env$', '^terraform/[a-z]+\\.tf$', 'workflows/.*\\.ya?ml$']), type: 'git.push' }, condition: 'sel' };
      break;
    case 5:
      detection = { sel_a: { 'transfer.bytes|gt': 195_000_000 + Math.floor(rnd() * 5e6), type: 'git.clone' }, sel_b: { 'developer.withinWorkingHours': false, 'developer.kind': 'external', type: pick(TYPES), 'resource.sensitivity': 'critical' }, condition: '1 of sel_*' };
      break;
    case 6:
      detection = { sel: { 'developer.handle|startswith': pick(HANDLES).slice(0, 3), 'grant.held': false, 'type|contains': pick(['clone', 'fetch', 'login', 'read']) }, condition: 'sel' };
      break;
    case 7:
      detection = { keywords: pickN(['forbidden', 'secret detected', 'protected ref', 'rate limited', 'token expired'], 2), sel: { outcome: 'failure', type: pick(TYPES) }, condition: 'sel and keywords' };
      break;
    case 8:
      return { ...base, logsource: { product: 'github', service: 'audit' }, detection: { sel: { action: pickN(GITHUB_ACTIONS, 3) }, filter: { 'actor|endswith': '[bot]' }, condition: 'sel and not filter' } };
    default:
      detection = { sel: { 'engagement.ended': true, 'resource.sensitivity': pick(['high', 'critical']) }, other: { 'source.seenBefore': false, 'resource.id|exists': true }, condition: 'all of them' };
  }
  return { ...base, logsource: palisade, detection };
}

/** Every tenth generated rule also gets a correlation over it (event_count or value_count). */
function generatedCorrelation(i: number): Record<string, unknown> {
  const value = i % 20 === 0;
  return {
    title: `Generated correlation ${i}`,
    id: `bench-corr-${i}`,
    level: 'high',
    correlation: value
      ? { type: 'value_count', rules: [`bench_${i}`], 'group-by': ['developer.id'], timespan: '10m', condition: { field: 'resource.id', gte: 5 }, generate: true }
      : { type: 'event_count', rules: [`bench_${i}`], 'group-by': ['developer.id'], timespan: '5m', condition: { gte: 20 }, generate: true },
  };
}

function ruleSources(): { sources: SigmaSource[]; builtinFiles: number } {
  const dir = resolve('src/modules/detection/rules');
  let builtin: SigmaSource[] = [];
  try {
    builtin = readdirSync(dir)
      .filter((f) => f.endsWith('.yml'))
      .map((f) => ({ path: `${dir}/${f}`, text: readFileSync(`${dir}/${f}`, 'utf8') }));
  } catch {
    // no built-in rules yet
  }
  const docs: Record<string, unknown>[] = [];
  for (let i = 0; i < GENERATED; i++) {
    docs.push(generatedRule(i));
    if (i % 10 === 0 && i % 20 !== 10) docs.push(generatedCorrelation(i)); // rules of shape 0 (palisade)
  }
  const generated = docs.map((d, i) => ({ path: `generated/${i}.yml`, text: stringify(d) }));
  return { sources: [...builtin, ...generated], builtinFiles: builtin.length };
}

/** A pool of varied events shaped like the enrichment's output; the stream cycles through it with fresh ids and times. */
function eventPool(size: number): { logsource: SigmaEvent['logsource']; fields: Record<string, unknown> }[] {
  const pool = [];
  for (let i = 0; i < size; i++) {
    if (rnd() < 0.1) {
      pool.push({
        logsource: { product: 'github', service: 'audit' },
        fields: { action: pick(GITHUB_ACTIONS), actor: rnd() < 0.2 ? 'dependabot[bot]' : pick(HANDLES), org: 'palisade-test', repo: `palisade-test/${pick(REPOS)}`, actor_location: { country_code: pick(['DE', 'US', 'IN']) }, '@timestamp': 1772359200000 + i },
      });
      continue;
    }
    const type = pick(TYPES);
    const handle = pick(HANDLES);
    const repo = pick(REPOS);
    const external = handle.includes('-');
    const outcome = rnd() < 0.8 ? 'success' : 'failure';
    const ip = rnd() < 0.1 ? `2001:db8::${Math.floor(rnd() * 65535).toString(16)}` : `${pick(['10', '192', '172', '203', '8'])}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`;
    const fields: Record<string, unknown> = {
      id: `pool-${i}`,
      type,
      outcome,
      time: new Date(1772359200000 + i * 1000).toISOString(),
      actor: { type: 'person', id: `p-${handle}` },
      target: { type: 'resource', id: `r-${repo}` },
      details: { path: pick(PATHS), ref: 'refs/heads/main', message: outcome === 'failure' ? pick(['forbidden', 'token expired', 'rate limited', 'no grant']) : 'ok' },
      resource: { id: `r-${repo}`, name: repo, kind: 'git', environment: pick(ENVS), sensitivity: pick(['low', 'high', 'critical']) },
      developer: { id: `p-${handle}`, handle, kind: external ? 'external' : 'member', withinWorkingHours: rnd() < 0.85, local: { hour: Math.floor(rnd() * 24) } },
      grant: { held: rnd() < 0.9 },
      source: { ip, seenBefore: rnd() < 0.95, knownAddresses: Math.floor(rnd() * 5) },
      engagement: { id: 'eng-1', status: 'active', ended: rnd() < 0.02 },
    };
    if (type.startsWith('git.')) fields.transfer = { bytes: Math.floor(rnd() * 2e8) };
    if (type.startsWith('auth') || type.startsWith('ssh')) fields.auth = { failed: outcome === 'failure', user: handle, method: 'api-token' };
    pool.push({ logsource: { product: 'palisade' }, fields });
  }
  return pool;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

function main(): void {
  const { sources, builtinFiles } = ruleSources();
  const t0 = performance.now();
  const loaded = loadSigmaRules(sources);
  if (loaded.errors.length > 0) throw new Error(`rules refused:\n${loaded.errors.map((e) => `${e.file}:${e.line} ${e.message}`).join('\n')}`);
  const engine = compileRuleSet(loaded.rules, { index: INDEX });
  const loadMs = performance.now() - t0;
  const detectionRules = loaded.rules.filter((r): r is SigmaDetectionRule => r.kind === 'detection');
  const detections = detectionRules.length;
  const keys = chooseIndexKeys(detectionRules.map(necessaryConditions));
  const indexedOn: Record<string, number> = {};
  for (const k of keys) indexedOn[k?.field ?? '(always evaluated)'] = (indexedOn[k?.field ?? '(always evaluated)'] ?? 0) + 1;
  const pool = eventPool(20_000);

  // Warm-up (JIT), then the measured run on a fresh engine (empty correlation windows).
  for (let i = 0; i < 100_000; i++) {
    const p = pool[i % pool.length]!;
    engine.evaluate({ id: `w${i}`, time: new Date(1772359200000 + i * 10), logsource: p.logsource, fields: p.fields });
  }
  const measured = compileRuleSet(loaded.rules, { index: INDEX });
  const loadBefore = load();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let matches = 0;
  let correlationMatches = 0;
  for (let i = 0; i < EVENTS; i++) {
    const p = pool[i % pool.length]!;
    const out = measured.evaluate({ id: `e${i}`, time: new Date(1772359200000 + i * 10), logsource: p.logsource, fields: p.fields });
    matches += out.length;
    for (const m of out) if (m.kind === 'correlation') correlationMatches++;
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const result = {
    rules: { builtinFiles, loaded: loaded.rules.length, detection: detections, correlation: loaded.rules.length - detections, loadAndCompileMs: Math.round(loadMs), indexedOn: INDEX ? indexedOn : 'index off' },
    events: EVENTS,
    matches,
    correlationMatches,
    wallSeconds: Number(wall.toFixed(3)),
    cpuSeconds: Number(cpuSeconds.toFixed(3)),
    eventsPerSecondWall: Math.round(EVENTS / wall),
    eventsPerCpuSecond: Math.round(EVENTS / cpuSeconds),
    loadAverageBefore: loadBefore,
    loadAverageAfter: load(),
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    node: process.version,
  };
  console.log(JSON.stringify(result, null, 2));
}

if (process.argv.includes("--per-rule")) perRule(); else main();

/** `--per-rule`: how often each rule fires on 100,000 events (to keep the generated rules realistically selective). */
function perRule(): void {
  const loaded = loadSigmaRules(ruleSources().sources);
  const engine = compileRuleSet(loaded.rules);
  const pool = eventPool(20_000);
  const counts = new Map<string, number>();
  for (let i = 0; i < 100_000; i++) {
    const p = pool[i % pool.length]!;
    for (const m of engine.evaluate({ id: `e${i}`, time: new Date(1772359200000 + i * 10), logsource: p.logsource, fields: p.fields })) counts.set(m.ruleId, (counts.get(m.ruleId) ?? 0) + 1);
  }
  console.log([...counts].sort((a, b) => b[1] - a[1]).map(([id, n]) => `${n}\t${id}`).join('\n'));
}
