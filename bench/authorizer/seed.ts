/**
 * @module bench/authorizer/seed — a Palisade database the size of the authorizer benchmark: 500
 * external developers (ready: vetted, trained, on one of 50 active engagements), 20 owners, 1,000
 * resources, 10,000 grants and a policy set of 100 policies (the default set plus 91 generated
 * rules of the kinds admins write: per-resource gateway limits, team IP ranges, personal
 * exceptions, vendor limits, change freezes). Written with bulk SQL; deterministic (seeded PRNG).
 */
import { newId } from '../../src/core/ids.ts';
import type { Services } from '../../src/composition.ts';
import type { Queryable } from '../../src/db/database.ts';
import { systemActor } from '../../src/modules/auth/actor.ts';
import { DEFAULT_POLICY_TEXT } from '../../src/modules/policy/cedar-engine.ts';

export const SIZES = { developers: 500, owners: 20, resources: 1000, engagements: 50, grants: 10_000, policies: 100 } as const;

/** A deterministic PRNG (LCG) so that every run seeds the same data. */
export function prng(seed = 42) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(a: readonly T[]) => a[Math.floor(next() * a.length)]! };
}

/** Insert rows with one statement per chunk: `INSERT … SELECT * FROM unnest($1::type[], …)`. */
async function bulk(q: Queryable, table: string, columns: [string, string][], rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    const params = columns.map((_, c) => chunk.map((r) => r[c]));
    const select = columns.map(([, type], c) => `$${c + 1}::${type}[]`).join(', ');
    await q.query(`INSERT INTO ${table} (${columns.map(([n]) => n).join(', ')}) SELECT * FROM unnest(${select})`, params);
  }
}

export interface Seeded {
  developers: { id: string; handle: string }[];
  resources: { id: string; name: string }[];
  grants: { personHandle: string; resourceName: string; permission: 'read' | 'write' | 'admin' }[];
  policyCount: number;
}

/** The 91 generated policies (with the default set: 100). */
export function generatedPolicies(vendorIds: string[]): string {
  const r = prng(7);
  const out: string[] = [];
  for (let i = 0; i < 91; i++) {
    const res = `res-${String(r.int(SIZES.resources)).padStart(4, '0')}`;
    const dev = `dev-${String(r.int(SIZES.developers)).padStart(3, '0')}`;
    switch (i % 5) {
      case 0:
        out.push(`@id("gen-${i}-no-sftp-writes")\n@reason("no writes to ${res} over SFTP")\nforbid (principal, action == Palisade::Action::"write", resource == Palisade::Resource::"${res}")\nwhen { context.gateway == "sftp" };`);
        break;
      case 1:
        out.push(`@id("gen-${i}-team-network")\n@reason("team-${i % 30} resources only from its network")\nforbid (principal, action, resource)\nwhen { resource.hasTag("team") && resource.getTag("team") == "team-${i % 30}" && context has sourceIp && !context.sourceIp.isInRange(ip("10.${i % 30}.0.0/16")) };`);
        break;
      case 2:
        out.push(`@id("gen-${i}-exception")\n@reason("exception for ${dev} on ${res}")\npermit (principal == Palisade::Person::"${dev}", action == Palisade::Action::"read", resource == Palisade::Resource::"${res}")\nwhen { context.hasGrant };`);
        break;
      case 3:
        out.push(`@id("gen-${i}-vendor-no-admin")\n@reason("this vendor administers nothing in production")\nforbid (principal, action == Palisade::Action::"admin", resource)\nwhen { principal.vendor == "${vendorIds[i % vendorIds.length]}" && resource.environment == "production" };`);
        break;
      default:
        out.push(`@id("gen-${i}-freeze")\n@reason("change freeze ${i}")\nforbid (principal, action == Palisade::Action::"write", resource)\nwhen { resource.environment == "production" && context.now >= ${1_900_000_000 + i * 86_400} && context.now < ${1_900_003_600 + i * 86_400} };`);
    }
  }
  return out.join('\n\n');
}

/**
 * Seed the benchmark data through SQL, then put the 100 policies in force through the policy service.
 * @example const seeded = await seed(services, new Date());
 */
export async function seed(services: Services, now: Date): Promise<Seeded> {
  const db = services.db;
  const r = prng();
  const at = now;
  const date = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
  const vendors = Array.from({ length: 10 }, (_, i) => [newId(), `Vendor ${i}`, 'active', at, at]);
  await bulk(db, 'vendors', [['id', 'uuid'], ['name', 'text'], ['status', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']], vendors);
  const hours = JSON.stringify({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' });
  const person = (id: string, handle: string, kind: string, role: string, vendor: string | null) =>
    [id, handle, handle, `${handle}@bench.test`, kind, role, vendor, 'UTC', hours, 'active', at, at];
  const owners = Array.from({ length: SIZES.owners }, (_, i) => person(newId(), `owner-${String(i).padStart(2, '0')}`, 'member', 'approver', null));
  const developers = Array.from({ length: SIZES.developers }, (_, i) => person(newId(), `dev-${String(i).padStart(3, '0')}`, 'external', 'developer', vendors[i % vendors.length]![0] as string));
  await bulk(db, 'people', [['id', 'uuid'], ['handle', 'text'], ['name', 'text'], ['email', 'text'], ['kind', 'text'], ['role', 'text'], ['vendor_id', 'uuid'], ['time_zone', 'text'], ['working_hours', 'jsonb'], ['status', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']], [...owners, ...developers]);

  const signed = JSON.stringify({ sha256: 'a'.repeat(64), signer: 'Bench Signer', signedAt: date(-30) });
  const engagements = Array.from({ length: SIZES.engagements }, (_, i) =>
    [newId(), `Engagement ${i}`, vendors[i % vendors.length]![0], 'active', date(-30), date(180), false, signed, signed, at, at]);
  await bulk(db, 'engagements', [['id', 'uuid'], ['name', 'text'], ['vendor_id', 'uuid'], ['status', 'text'], ['start_date', 'date'], ['end_date', 'date'], ['touches_personal_data', 'boolean'], ['nda', 'jsonb'], ['ip_ownership', 'jsonb'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']], engagements);
  // Developer i works for vendor i % 10, like engagement e for vendor e % 10: put them on one that matches.
  const engagementOf = developers.map((_, i) => engagements[(i % vendors.length) + vendors.length * (Math.floor(i / vendors.length) % (SIZES.engagements / vendors.length))]!);
  const duties = ['backend', 'backend', 'frontend', 'fullstack', 'devops', 'data'] as const;
  await bulk(db, 'engagement_developers', [['engagement_id', 'uuid'], ['person_id', 'uuid'], ['added_at', 'timestamptz'], ['duty', 'text']],
    developers.map((d, i) => [engagementOf[i]![0], d[0], at, r.pick(duties)]));
  const vet = (table: string, cols: [string, string][], row: (id: string) => unknown[]) => bulk(db, table, cols, developers.map((d) => row(d[0] as string)));
  await vet('vetting_background_checks', [['id', 'uuid'], ['person_id', 'uuid'], ['status', 'text'], ['provider', 'text'], ['checked_on', 'date'], ['recorded_at', 'timestamptz']], (p) => [newId(), p, 'clear', 'Sterling', date(-20), at]);
  await vet('vetting_reference_checks', [['id', 'uuid'], ['person_id', 'uuid'], ['referee_name', 'text'], ['outcome', 'text'], ['checked_on', 'date'], ['recorded_at', 'timestamptz']], (p) => [newId(), p, 'Former lead', 'passed', date(-20), at]);
  await vet('vetting_quiz_results', [['id', 'uuid'], ['person_id', 'uuid'], ['quiz', 'text'], ['score', 'int4'], ['pass_mark', 'int4'], ['taken_on', 'date'], ['recorded_at', 'timestamptz']], (p) => [newId(), p, 'security-awareness', 90, 80, date(-20), at]);
  await vet('training_completions', [['id', 'uuid'], ['person_id', 'uuid'], ['module', 'text'], ['completed_at', 'timestamptz'], ['expires_at', 'timestamptz'], ['recorded_at', 'timestamptz']], (p) => [newId(), p, 'security-awareness', new Date(now.getTime() - 20 * 86_400_000), new Date(now.getTime() + 300 * 86_400_000), at]);

  const kinds = ['git_repository', 'git_repository', 'ssh_host', 'database', 'file_vault', 'web_application'] as const;
  const environments = ['production', 'staging', 'staging', 'development', 'development'] as const;
  const sensitivities = ['internal', 'internal', 'confidential', 'public', 'restricted'] as const;
  const resources = Array.from({ length: SIZES.resources }, (_, i) => {
    const labels: Record<string, string> = { team: `team-${i % 30}` };
    if (r.next() < 0.3) labels.tier = r.pick(['backend', 'frontend']);
    return [newId(), `res-${String(i).padStart(4, '0')}`, r.pick(kinds), r.pick(environments), r.pick(sensitivities), owners[i % owners.length]![0], JSON.stringify(labels), 'active', at, at];
  });
  await bulk(db, 'resources', [['id', 'uuid'], ['name', 'text'], ['kind', 'text'], ['environment', 'text'], ['sensitivity', 'text'], ['owner_id', 'uuid'], ['labels', 'jsonb'], ['status', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']], resources);

  const permissions = ['read', 'read', 'read', 'write', 'admin'] as const;
  const grants: Seeded['grants'] = [];
  const grantRows = Array.from({ length: SIZES.grants }, (_, i) => {
    const d = i % SIZES.developers;
    const res = resources[r.int(SIZES.resources)]!;
    const permission = r.pick(permissions);
    grants.push({ personHandle: developers[d]![1] as string, resourceName: res[1] as string, permission });
    return [newId(), developers[d]![0], engagementOf[d]![0], res[0], permission, new Date(now.getTime() - 3_600_000), new Date(now.getTime() + (8 + r.int(700)) * 3_600_000), at];
  });
  await bulk(db, 'grants', [['id', 'uuid'], ['person_id', 'uuid'], ['engagement_id', 'uuid'], ['resource_id', 'uuid'], ['permission', 'text'], ['starts_at', 'timestamptz'], ['ends_at', 'timestamptz'], ['created_at', 'timestamptz']], grantRows);

  const text = `${DEFAULT_POLICY_TEXT}\n${generatedPolicies(vendors.map((v) => v[0] as string))}\n`;
  const set = await services.policies.replace(systemActor, { text, comment: 'authorizer benchmark' });
  return {
    developers: developers.map((d) => ({ id: d[0] as string, handle: d[1] as string })),
    resources: resources.map((x) => ({ id: x[0] as string, name: x[1] as string })),
    grants,
    policyCount: set.policyIds.length,
  };
}
