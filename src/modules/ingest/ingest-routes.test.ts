import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { githubSignature } from './github-signature.ts';

const FIXTURES = new URL('../../../test/fixtures/ingest/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

function newSshKey(): { pub: string; fingerprint: string } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'palisade-key-')), 'id');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'priya@laptop', '-f', file]);
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`]).toString().split(' ')[1]!;
  return { pub: readFileSync(`${file}.pub`, 'utf8'), fingerprint };
}

let t: TestApp;
let key: { pub: string; fingerprint: string };
let priyaId: string;
let deployId: string;
let webResourceId: string;
let authLog: Buffer;

beforeAll(async () => {
  t = await createTestApp(new Date('2026-03-02T12:00:00Z'));
  key = newSshKey();
  const asAdmin = (opts: Parameters<TestApp['call']>[1]) => t.call(t.adminToken, opts);
  const person = (handle: string, extra: Record<string, unknown> = {}) => asAdmin({
    method: 'POST', url: '/api/v1/people',
    payload: { handle, name: handle, email: `${handle}@agency.example`, kind: 'external', ...extra },
  });
  priyaId = (await person('priya', { sshPublicKeys: [key.pub] })).json().id;
  deployId = (await person('deploy')).json().id;
  webResourceId = (await asAdmin({
    method: 'POST', url: '/api/v1/resources',
    payload: { name: 'web-1', kind: 'ssh_host', environment: 'production', sensitivity: 'confidential', ownerId: (await asAdmin({ url: '/api/v1/me' })).json().id },
  })).json().id;
  authLog = Buffer.from(fixture('auth-log.txt').toString('utf8').replaceAll('SHA256:REPLACED_BY_TEST', key.fingerprint));
});
afterAll(() => t.close());

const sshd = (body: Buffer | string, query = 'host=web-1&year=2026', token: string | null = t.adminToken) =>
  t.call(token, { method: 'POST', url: `/api/v1/ingest/sshd?${query}`, headers: { 'content-type': 'text/plain' }, payload: body });

type Row = { type: string; outcome: string; actor_id: string | null; actor_handle: string | null; actor_ip: string | null; target_type: string; target_id: string; details: Record<string, any> };
const events = (typePrefix: string) =>
  t.database.db.query<Row>("SELECT type, outcome, actor_id, actor_handle, actor_ip, target_type, target_id, details FROM audit_events WHERE type LIKE $1 ORDER BY seq", [`${typePrefix}%`]);

describe('sshd log ingestion', () => {
  it('records every sshd line of an auth.log as an audit event, skips other programs, and reports the counts', async () => {
    const res = await sshd(authLog);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ source: 'sshd', accepted: 26, duplicates: 0, rejected: 0, skipped: 2, skippedReasons: { 'not an sshd line': 2 }, errors: [] });
    const rows = await events('ssh.');
    expect(rows).toHaveLength(26);
    const types = rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.type]: (acc[r.type] ?? 0) + 1 }), {});
    expect(types).toEqual({ 'ssh.login': 10, 'ssh.invalid_user': 1, 'ssh.auth_attempts_exceeded': 1, 'ssh.disconnect': 9, 'ssh.message': 5 });
  });

  it('attributes a public-key login to the person owning the key, a valid account to the person with that handle, and never an invalid user', async () => {
    const rows = await events('ssh.login');
    const byKey = rows.find((r) => r.outcome === 'success' && r.details.method === 'publickey')!;
    expect(byKey).toMatchObject({ actor_id: priyaId, actor_handle: 'priya', actor_ip: '198.51.100.23', target_type: 'resource', target_id: webResourceId });
    expect(byKey.details).toMatchObject({ host: 'web-1', user: 'priya', sourceIp: '198.51.100.23', sourcePort: 50122, keyType: 'ED25519', keyFingerprint: key.fingerprint, ingest: { source: 'sshd', actorMatch: 'ssh-key', by: 'admin', sourceTime: '2026-03-02T09:00:01.000Z' } });
    expect(byKey.details.rawSha256).toMatch(/^[0-9a-f]{64}$/);
    const cert = rows.find((r) => r.details.certificate)!;
    expect(cert).toMatchObject({ actor_id: priyaId, details: { certificate: { id: 'priya@laptop', serial: '42' }, program: 'sshd-session' } });
    const byHandle = rows.find((r) => r.outcome === 'success' && r.details.method === 'password')!;
    expect(byHandle).toMatchObject({ actor_id: deployId, actor_ip: '2001:db8:85a3::8a2e:370:7334', details: { ingest: { actorMatch: 'handle' } } });
    const invalid = rows.find((r) => r.details.invalidUser)!;
    expect(invalid).toMatchObject({ outcome: 'failure', actor_id: null, actor_handle: null, actor_ip: '203.0.113.77', details: { user: 'admin', ingest: { actorMatch: null } } });
    const denied = rows.find((r) => r.outcome === 'denied')!;
    expect(denied.details).toMatchObject({ user: 'mallory', reason: 'not allowed because not listed in AllowUsers' });
    const repeated = rows.find((r) => r.details.repeatCount)!;
    expect(repeated.details).toMatchObject({ repeatCount: 2, user: 'root', sourceIp: '203.0.113.91' });
  });

  it('keeps two identical lines of the same second as two events, and a re-sent file adds nothing', async () => {
    const same = (await events('ssh.login')).filter((r) => String(r.details.line).startsWith('Mar  2 09:06:13'));
    expect(same.map((r) => r.details.ingest.occurrence)).toEqual([0, 1]);
    const again = await sshd(authLog);
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 26, rejected: 0 });
    expect(await events('ssh.')).toHaveLength(26);
    // The same log appended to: only the new line is recorded.
    const grown = Buffer.concat([authLog, Buffer.from('Mar  2 09:06:13 web-1 sshd[4310]: Failed password for deploy from 203.0.113.77 port 40022 ssh2\n')]);
    expect((await sshd(grown)).json()).toMatchObject({ accepted: 1, duplicates: 26 });
  });

  it('reports malformed lines by number and reason, records the good ones, and counts all of it', async () => {
    const body = [
      'Mar  3 08:00:00 web-1 sshd[1]: Invalid user guest from 192.0.2.50 port 1000',
      'this is not a log line',
      'Feb 30 08:00:00 web-1 sshd[1]: Invalid user guest from 192.0.2.50 port 1000',
      '',
      'Mar  3 08:00:01 web-1',
      `Mar  3 08:00:02 web-1 sshd[1]: ${'x'.repeat(9000)}`,
      'Mar  3 08:00:03 web-1 sshd[1]: Invalid user evil\u001b[2J\u202e from 192.0.2.51 port 1001',
    ].join('\n');
    const res = (await sshd(body)).json();
    expect(res).toMatchObject({ accepted: 2, rejected: 4, skipped: 1, skippedReasons: { 'blank line': 1 }, errorsTruncated: false });
    expect(res.errors).toEqual([
      { line: 2, message: expect.stringMatching(/no timestamp/) },
      { line: 3, message: expect.stringMatching(/does not exist in 2026/) },
      { line: 5, message: expect.stringMatching(/HOST PROGRAM\[PID\]: MESSAGE/) },
      { line: 6, message: 'line is longer than 8192 bytes' },
    ]);
    const [evil] = (await events('ssh.invalid_user')).filter((r) => r.details.sourceIp === '192.0.2.51');
    expect(evil!.details.user).toBe('evil\\x1b[2J\\u{202e}');
    expect(evil!.details.line).not.toMatch(/[\u001b\u202e]/);
    const stats = (await t.call(t.adminToken, { url: '/api/v1/ingest/stats' })).json();
    const s = stats.sources.find((x: { source: string }) => x.source === 'sshd');
    expect(s).toMatchObject({ requests: 4, accepted: 29, duplicates: 52, rejected: 4, skipped: 7 });
    expect(s.lastRejections[0]).toMatchObject({ line: 2, message: expect.stringMatching(/no timestamp/), requestId: expect.any(String) });
  });

  it('reads journalctl short-iso output with its own offsets and skips the journal\'s markers', async () => {
    const res = (await sshd(fixture('journal-short-iso.txt'), 'host=web-2')).json();
    expect(res).toMatchObject({ accepted: 3, rejected: 0, skipped: 2, skippedReasons: { 'journal marker': 2 } });
    const rows = (await events('ssh.')).filter((r) => r.details.host === 'web-2');
    expect(rows.map((r) => r.details.ingest.sourceTime)).toEqual(['2026-03-02T09:00:01.000Z', '2026-03-02T09:00:09.123Z', '2026-03-02T09:00:10.000Z']);
    expect(rows[0]).toMatchObject({ target_type: 'ssh_host', target_id: 'web-2' });
  });

  it('applies --tz to classic syslog stamps and refuses a bad host or zone', async () => {
    await sshd('Mar  4 10:00:00 web-3 sshd[9]: Connection closed by 192.0.2.9 port 22 [preauth]\n', 'host=web-3&tz=Asia/Kolkata');
    const [row] = (await events('ssh.disconnect')).filter((r) => r.details.host === 'web-3');
    expect(row!.details.ingest.sourceTime).toBe('2026-03-04T04:30:00.000Z');
    expect((await sshd('x', 'host=bad host')).statusCode).toBe(400);
    expect((await sshd('x', 'host=web-3&tz=Mars/Base')).statusCode).toBe(400);
  });

  it('is for admins only', async () => {
    const auditor = await t.personWithRole('auditor');
    expect((await sshd('x', 'host=web-1', auditor.token)).statusCode).toBe(403);
    expect((await t.call(auditor.token, { url: '/api/v1/ingest/stats' })).statusCode).toBe(200);
  });
});

describe('GitHub audit log ingestion', () => {
  const github = (body: Buffer | string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/ingest/github', headers: { 'content-type': 'application/x-ndjson', ...headers }, payload: body });
  let secret: string;

  it('refuses webhook deliveries until a secret is set, then checks the signature in constant time', async () => {
    const body = fixture('github-audit.ndjson');
    const unsigned = await github(body);
    expect(unsigned.statusCode).toBe(401);
    expect((await github(body, { 'x-hub-signature-256': githubSignature('no-secret-set-yet!!', body) })).statusCode).toBe(401);
    const set = await t.call(t.adminToken, { method: 'PUT', url: '/api/v1/ingest/github/secret' });
    expect(set.statusCode).toBe(200);
    secret = set.json().secret;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const [sealed] = await t.database.db.query<{ sealed: Uint8Array }>("SELECT sealed FROM ingest_settings WHERE key = 'github_webhook_secret'");
    expect(Buffer.from(sealed!.sealed).includes(Buffer.from(secret))).toBe(false);
    const bad = await github(body, { 'x-hub-signature-256': githubSignature('wrong-secret-wrong-secret', body) });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().type).toBe('urn:palisade:problem:unauthenticated');
    const failures = await t.database.db.query<{ details: { reason: string; method: string } }>(
      "SELECT details FROM audit_events WHERE type = 'auth.failed' AND details->>'method' = 'github-hmac' ORDER BY seq");
    expect(failures.map((f) => f.details.reason)).toEqual(['no credentials', 'GitHub webhook signature: no secret configured', 'GitHub webhook signature: invalid']);
    const events = (await t.database.db.query("SELECT details FROM audit_events WHERE type = 'github_webhook_secret.set'")) as { details: Record<string, unknown> }[];
    expect(events).toEqual([{ details: { generated: true, replaced: false } }]);
  });

  it('records signed events as github.<action> with GitHub\'s own fields, and a redelivery adds nothing', async () => {
    const body = fixture('github-audit.ndjson');
    const res = await github(body, { 'x-hub-signature-256': githubSignature(secret, body) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ source: 'github', accepted: 5, duplicates: 0, rejected: 0 });
    const rows = await events('github.');
    expect(rows.map((r) => r.type)).toEqual(['github.git.clone', 'github.git.fetch', 'github.git.push', 'github.org.add_member', 'github.repo.destroy']);
    expect(rows[0]).toMatchObject({
      outcome: 'success', actor_id: null, actor_ip: '198.51.100.23', target_type: 'github_repository', target_id: 'acme/payments-api',
      details: { action: 'git.clone', actor: 'priya-ext', repo: 'acme/payments-api', _document_id: 'Xq3vYbKlR0mQ8sF2n1cZpA', transport_protocol_name: 'http', ingest: { source: 'github', by: 'github-webhook', sourceTime: '2026-03-02T10:00:00.000Z' } },
    });
    expect(rows[3]!.target_type).toBe('github_organization');
    const again = await github(body, { 'x-hub-signature-256': githubSignature(secret, body) });
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 5 });
  });

  it('takes a single event, an array, or an API token instead of a signature, and reports bad events by position and field', async () => {
    const one = JSON.stringify({ '@timestamp': 1772460000000, _document_id: 'single-1', action: 'repo.create', actor: 'octo-admin', repo: 'acme/new' });
    expect((await github(one, { 'content-type': 'application/json', 'x-hub-signature-256': githubSignature(secret, Buffer.from(one)) })).json()).toMatchObject({ accepted: 1 });
    const array = JSON.stringify([
      { '@timestamp': 1772460001000, _document_id: 'arr-1', action: 'team.add_member', actor: 'octo-admin', team: 'acme/contractors', user: 'priya-ext' },
      { '@timestamp': 1772460002000, action: 'repo.create', actor: 'x' },
      { _document_id: 'arr-3', action: 'NOT AN ACTION', '@timestamp': 1 },
      'not an object',
      { _document_id: 'arr-5', action: 'repo.update', '@timestamp': 'yesterday' },
    ]);
    const res = await github(array, { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 4 });
    expect(res.json().errors).toEqual([
      { index: 1, path: '_document_id', message: expect.stringMatching(/required/) },
      { index: 2, path: 'action', message: expect.any(String) },
      { index: 3, message: expect.stringMatching(/JSON object/) },
      { index: 4, path: '@timestamp', message: expect.any(String) },
    ]);
    const [added] = await events('github.team.add_member');
    expect(added!.details.ingest.by).toBe('admin');
    const ndjson = '{"_document_id":"nd-1","action":"org.update_member","@timestamp":1772460003000}\n{oops\n';
    expect((await github(ndjson, { authorization: `Bearer ${t.adminToken}` })).json()).toMatchObject({ accepted: 1, rejected: 1, errors: [{ line: 2, message: expect.stringMatching(/not JSON/) }] });
  });

  it('answers GitHub\'s ping and refuses a developer\'s token', async () => {
    const ping = '{"zen":"Keep it logically awesome.","hook_id":1}';
    const res = await github(ping, { 'x-github-event': 'ping', 'x-hub-signature-256': githubSignature(secret, Buffer.from(ping)) });
    expect(res.json()).toMatchObject({ accepted: 0, skipped: 1, skippedReasons: { 'GitHub ping': 1 } });
    const dev = await t.personWithRole('developer');
    expect((await github('{}', { authorization: `Bearer ${dev.token}` })).statusCode).toBe(403);
  });
});

describe('generic event ingestion', () => {
  const post = (body: unknown, contentType = 'application/json') =>
    t.call(t.adminToken, { method: 'POST', url: '/api/v1/ingest/events', headers: { 'content-type': contentType }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
  const vpn = (id: string, extra: Record<string, unknown> = {}) => ({
    source: 'vpn', sourceEventId: id, occurredAt: '2026-03-02T02:10:00+01:00', type: 'login', outcome: 'success',
    actor: { handle: 'priya', ip: '198.51.100.23' }, target: { type: 'vpn_gateway', id: 'gw-1' }, details: { client: 'WireGuard', bytes: 1200 }, ...extra,
  });

  it('records valid events as external.<source>.<type>, attributed by handle, and ignores re-sent ones', async () => {
    const res = await post([vpn('v-1'), vpn('v-2', { outcome: 'failure', actor: { handle: 'nobody-here' } })]);
    expect(res.json()).toMatchObject({ source: 'events', accepted: 2, rejected: 0 });
    const rows = await events('external.vpn.');
    expect(rows[0]).toMatchObject({ type: 'external.vpn.login', actor_id: priyaId, actor_ip: '198.51.100.23', target_type: 'vpn_gateway', target_id: 'gw-1',
      details: { client: 'WireGuard', bytes: 1200, ingest: { source: 'events', system: 'vpn', sourceEventId: 'v-1', sourceTime: '2026-03-02T01:10:00.000Z', actorMatch: 'handle' } } });
    expect(rows[1]).toMatchObject({ outcome: 'failure', actor_id: null, details: { ingest: { claimedHandle: 'nobody-here', actorMatch: null } } });
    expect((await post(vpn('v-1'))).json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await post(`${JSON.stringify(vpn('v-3'))}\n${JSON.stringify(vpn('v-3'))}\n`, 'application/x-ndjson')).json()).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('records an event once when the same body arrives twice at the same moment', async () => {
    const body = [vpn('race-1'), vpn('race-2'), vpn('race-3')];
    const [a, b] = (await Promise.all([post(body), post(body)])).map((r) => r.json());
    expect(a.accepted + b.accepted).toBe(3);
    expect(a.duplicates + b.duplicates).toBe(3);
    const rows = (await events('external.vpn.')).filter((r) => String(r.details.ingest.sourceEventId).startsWith('race-'));
    expect(rows).toHaveLength(3);
  });

  it('refuses, with field paths, what the schema does not allow — and never an event that poses as Palisade\'s own', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 12; i++) deep = { d: deep };
    const res = (await post([
      vpn('bad-1', { source: 'github' }),
      vpn('bad-2', { occurredAt: 'yesterday', actor: { ip: 'not-an-ip' } }),
      vpn('bad-3', { details: deep }),
      vpn('bad-4', { details: { huge: 'x'.repeat(20_000) } }),
      vpn('bad-5', { type: 'Person.Created!' }),
      vpn('bad-6', { extra: true }),
      vpn('bad-7', { details: { n: '\u0000' } }),
    ])).json();
    expect(res).toMatchObject({ accepted: 0, rejected: 8 });
    expect(res.errors.map((e: { index: number; path?: string }) => `${e.index}:${e.path ?? ''}`)).toEqual([
      '0:source', '1:occurredAt', '1:actor.ip', `2:details.${'d.'.repeat(7)}d`, '3:details', '4:type', '5:', '6:details.n',
    ]);
  });

  it('records nothing when a write fails half-way: events, keys and counters commit together', async () => {
    const { createIngestService } = await import('./ingest-service.ts');
    const { createSecretSealer } = await import('../audit-export/sealed-secrets.ts');
    const real = t.services.audit;
    // The events are written (in one statement), then the write fails: keys and events must go too.
    const flaky = {
      ...real,
      recordMany: async (...args: Parameters<typeof real.recordMany>) => {
        await real.recordMany(...args);
        throw new Error('disk full');
      },
    };
    const ingest = createIngestService({ db: t.database.db, clock: t.clock, audit: flaky, secrets: createSecretSealer(new Uint8Array(32)) });
    const count = async () => (await t.database.db.query<{ n: number }>("SELECT count(*)::int8 AS n FROM ingested_events WHERE source = 'events'"))[0]!.n;
    const before = await count();
    const body = Buffer.from(JSON.stringify([vpn('atomic-1'), vpn('atomic-2')]));
    const { systemActor } = await import('../auth/actor.ts');
    await expect(ingest.events(systemActor, body)).rejects.toThrow(/disk full/);
    expect(await count()).toBe(before);
    expect(await events('external.vpn.')).toHaveLength(6);
  });
  it('adds up its counters kept in shards and lists the latest rejections newest first, across them', async () => {
    const stats = async () => (await t.call(t.adminToken, { url: '/api/v1/ingest/stats' })).json().sources.find((x: { source: string }) => x.source === 'events');
    const before = await stats();
    // 12 requests land in several of the 16 shards; their times are equal (the test clock stands still).
    // Request i holds i good events, then a bad one: its rejection is at index i.
    for (let i = 0; i < 12; i++) {
      await post([...Array.from({ length: i }, (_, k) => vpn(`shard-${i}-${k}`)), vpn(`shard-bad-${i}`, { occurredAt: 'never' })]);
    }
    const after = await stats();
    expect(after.requests - before.requests).toBe(12);
    expect(after.accepted - before.accepted).toBe(66);
    expect(after.rejected - before.rejected).toBe(12);
    const shards = await t.database.db.query<{ n: number }>("SELECT count(*)::int8 AS n FROM ingest_sources WHERE source = 'events'");
    expect(shards[0]!.n).toBeGreaterThan(1);
    expect(after.lastRejections.slice(0, 12).map((r: { index: number }) => r.index)).toEqual(Array.from({ length: 12 }, (_, i) => 11 - i));
  });
});
