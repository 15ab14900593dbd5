/**
 * Policies, the authorizer and access reviews through the real `palisade` command against a real
 * server (PGlite in a temporary folder, or PostgreSQL when DATABASE_URL is set).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import { generateToken } from '../../src/core/secret-token.ts';
import type { RunningServer } from '../../src/server.ts';
import { palisadeCli, startInProcessServer, type CliRun, type InProcessServer } from './in-process-server.ts';
import { day, vetAndTrain } from '../helpers/vetting.ts';

const adminToken = generateToken();
let server: RunningServer;
let dir: string;
let running: InProcessServer | undefined;

const cli = palisadeCli(() => server.url, adminToken);
const json = (r: CliRun) => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

beforeAll(async () => {
  running = await startInProcessServer('palisade-policy-e2e-', adminToken);
  server = running.server;
  dir = running.dir;
});

afterAll(async () => {
  await running?.close();
});

/** Call the running server in process as the admin; throw unless the status is `status`. */
async function api(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, status = 200) {
  const res = await server.app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${adminToken}` } });
  if (res.statusCode !== status) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A ready developer (vetted, trained, on an active engagement) with a read grant on a staging repository. */
async function setUp() {
  const person = (handle: string, kind: 'member' | 'external') =>
    api('POST', '/api/v1/people', { handle, name: handle, email: `${handle}@example.test`, kind, timeZone: 'UTC' }, 201);
  const owner = await person('olivia', 'member');
  const dev = await person('dev-bo', 'external');
  const e = await api('POST', '/api/v1/engagements', { name: 'Shop', vendorId: null, startDate: day(-10), endDate: day(60), touchesPersonalData: false }, 201);
  for (const term of ['nda', 'ip-ownership']) await api('PUT', `/api/v1/engagements/${e.id}/contract/${term}`, { sha256: 'a'.repeat(64), signer: 'Dana', signedAt: day(-10) });
  await api('POST', `/api/v1/engagements/${e.id}/activate`);
  await api('POST', `/api/v1/engagements/${e.id}/developers`, { personId: dev.id, duty: 'backend' });
  await vetAndTrain(api, dev.id);
  const repo = await api('POST', '/api/v1/resources', { name: 'shop/web', kind: 'git_repository', environment: 'staging', sensitivity: 'internal', ownerId: owner.id }, 201);
  const grantId = newId();
  const now = Date.now();
  await server.services.db.query(
    'INSERT INTO grants (id, person_id, engagement_id, resource_id, permission, starts_at, ends_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6)',
    [grantId, dev.id, e.id, repo.id, 'read', new Date(now - 60_000), new Date(now + 8 * 3_600_000)],
  );
  return { grantId };
}

describe('policies, the authorizer and reviews through the palisade command line', () => {
  it('shows, validates, applies and lists policies; authorizes with reasons; reviews a grant and writes the CSV report', async () => {
    const { grantId } = await setUp();

    const shown = json(await cli(['policy', 'show', '--json']));
    expect(shown).toMatchObject({ version: 0, builtIn: true });
    const file = path.join(dir, 'policies.cedar');
    await writeFile(file, `${shown.text}\n@id("broken")\nforbid (principal, action, resource) when { resource.colour == "red" };\n`);
    const invalid = await cli(['policy', 'validate', file]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^error: .*policies\.cedar:\d+: policy broken: for policy `broken`, attribute `colour` on entity type `Palisade::Resource` not found/m);
    const refused = await cli(['policy', 'apply', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the previous set stays in force/);

    await writeFile(file, `${shown.text}\n@id("office-only")\n@reason("staging only from the office")\nforbid (principal, action, resource)\nwhen { resource.environment == "staging" }\nunless { context has sourceIp && context.sourceIp.isInRange(ip("10.0.0.0/8")) };\n`);
    expect((await cli(['policy', 'validate', file])).stdout).toMatch(/valid \(\d+ policies: .*office-only/);
    const applied = await cli(['policy', 'apply', file, '--comment', 'office only']);
    expect(applied.stdout).toMatch(/^policy set version 1 is in force \(sha256 [0-9a-f]{64}, \d+ policies\)/);
    const history = json(await cli(['policy', 'history', '--json']));
    expect(history.map((v: { version: number }) => v.version)).toEqual([1, 0]);

    const allowed = await cli(['authorize', '--person', 'dev-bo', '--action', 'read', '--resource', 'shop/web', '--ip', '10.2.3.4', '--gateway', 'git']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('ALLOW: dev-bo read shop/web');
    expect(allowed.stdout).toContain(`because grant ${grantId} gives dev-bo read on shop/web`);
    const outside = await cli(['authorize', '--person', 'dev-bo', '--action', 'read', '--resource', 'shop/web', '--ip', '203.0.113.5']);
    expect(outside.code).toBe(1);
    expect(outside.stdout).toContain('DENY: dev-bo read shop/web');
    expect(outside.stdout).toContain('because staging only from the office (policy office-only)');

    const created = json(await cli(['review', 'create', '--name', 'Weekly', '--resource', 'shop/web', '--deadline', '7d', '--json']));
    expect(created.items).toHaveLength(1);
    const shownReview = await cli(['review', 'show', created.id]);
    expect(shownReview.stdout).toContain('dev-bo');
    const token = json(await cli(['token', 'create', '--name', 'review', '--person', 'olivia', '--json'])).token as string;
    const decided = await cli(['review', 'decide', created.id, created.items[0].id, 'revoke', '--comment', 'not needed any more'], token);
    expect(decided.code, decided.stderr).toBe(0);
    expect(decided.stdout).toMatch(/^revoked: dev-bo read on shop\/web \(grant .*, now revoked\)/);
    const csvFile = path.join(dir, 'report.csv');
    expect((await cli(['review', 'report', created.id, '--format', 'csv', '--output', csvFile])).code).toBe(0);
    const csv = await readFile(csvFile, 'utf8');
    const fromApi = await fetch(`${server.url}/api/v1/reviews/${created.id}/report?format=csv`, { headers: { authorization: `Bearer ${adminToken}` } });
    const apiCsv = await fromApi.text();
    // generatedAt is not in the CSV, so the CLI's file and the API's CSV are the same bytes.
    expect(csv).toBe(apiCsv);
    expect(csv.split('\r\n')[1]).toContain(',revoke,not needed any more,olivia,');
    const denied = await cli(['authorize', '--person', 'dev-bo', '--action', 'read', '--resource', 'shop/web', '--ip', '10.2.3.4']);
    expect(denied.code).toBe(1);
  });
});
