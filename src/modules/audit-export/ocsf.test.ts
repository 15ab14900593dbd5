import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../audit/audit-types.ts';
import { classify } from './ocsf-classes.ts';
import { toOcsf } from './ocsf.ts';
import { ocsfProblems } from './ocsf-schema.test-support.ts';

let n = 0;
function event(type: string, over: Partial<AuditEvent> = {}): AuditEvent {
  n += 1;
  return {
    seq: n, id: `0193a3b4-0000-7000-8000-${String(n).padStart(12, '0')}`, occurredAt: new Date('2026-03-02T10:00:00Z'),
    type, outcome: 'success',
    actor: { id: '0193a3b4-0000-7000-8000-aaaaaaaaaaaa', handle: 'admin', role: 'admin', ip: '192.0.2.1', userAgent: 'curl/8' },
    target: { type: 'person', id: '0193a3b4-0000-7000-8000-bbbbbbbbbbbb' }, engagementId: null, requestId: 'req-1', details: {}, leafIndex: n - 1,
    ...over,
  };
}
const unknownActor = { id: null, handle: null, role: null, ip: null, userAgent: null };
const systemActor = { id: null, handle: 'system', role: null, ip: null, userAgent: null };

/** Every event type docs/api.md lists, with the details its producer writes. */
function documentedTypes(): string[] {
  const text = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
  const table = text.slice(text.indexOf('| type | when |'));
  return [...table.matchAll(/^\| (.+?) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z_.]+)`/g)].map((t) => t[1]!));
}

const samples: AuditEvent[] = [
  event('auth.failed', { outcome: 'failure', actor: { ...unknownActor, ip: '203.0.113.4', userAgent: 'x' }, target: { type: null, id: null }, details: { reason: 'unknown token', method: 'api-token', hint: 'pal_abcdef' } }),
  event('access.denied', { outcome: 'denied', details: { method: 'DELETE', route: '/api/v1/people/:ref', reason: 'role developer may not' } }),
  event('system.bootstrapped', { actor: systemActor }),
  event('token.created', { details: { tokenId: 't', name: 'ci', scopes: ['api'], expiresAt: null } }),
  event('token.revoked', { details: { tokenId: 't', name: 'ci' } }),
  event('grant.created', { target: { type: 'grant', id: 'g1' }, details: { personId: 'p1', resourceId: 'r1', resourceName: 'payments/api', permission: 'read' } }),
  event('grant.expired', { actor: systemActor, target: { type: 'grant', id: 'g1' }, details: { personId: 'p1', resourceId: 'r1', permission: 'read' } }),
  event('engagement.document_uploaded', { target: { type: 'engagement', id: 'e1' }, details: { term: 'nda', sha256: 'ab'.repeat(32), size: 1234, contentType: 'application/pdf' } }),
  event('ssh.login', {
    outcome: 'failure', actor: { ...unknownActor, ip: '203.0.113.77' }, target: { type: 'ssh_host', id: 'web-1' },
    details: { host: 'web-1', user: 'deploy', sourceIp: '203.0.113.77', sourcePort: 40022, method: 'password', ingest: { source: 'sshd', sourceTime: '2026-03-02T09:06:10.000Z', sourceTimeText: 'Mar  2 09:06:10' } },
  }),
  event('ssh.disconnect', { actor: { ...unknownActor, ip: '2001:db8::1' }, details: { host: 'web-1', user: null, sourceIp: '2001:db8::1', sourcePort: 4000, ingest: { source: 'sshd', sourceTime: '2026-03-02T09:00:00Z' } } }),
  event('ssh.message', { actor: unknownActor, details: { host: 'web-1', user: null, sourceIp: null, message: 'Server listening on :: port 22.' } }),
  event('github.git.clone', { actor: { ...unknownActor, ip: '88.123.45.123' }, details: { action: 'git.clone', actor: 'octocat', repo: 'octo-org/octo-repo', '@timestamp': 1772445600000, ingest: { source: 'github', sourceTime: '2026-03-02T10:00:00.000Z' } } }),
  event('github.git.push', { actor: unknownActor, details: { action: 'git.push', actor: 'octocat', repo: 'octo-org/octo-repo' } }),
  event('github.org.add_member', { actor: unknownActor, details: { action: 'org.add_member', actor: 'octocat', user: 'monalisa', org: 'octo-org' } }),
  event('github.team.remove_member', { actor: unknownActor, details: { action: 'team.remove_member', actor: 'octocat', user: 'monalisa' } }),
  event('github.repo.destroy', { actor: unknownActor, details: { action: 'repo.destroy', actor: 'monalisa', repo: 'mona-org/mona-test-repo' } }),
  event('github.user.failed_login', { outcome: 'failure', actor: unknownActor, details: { action: 'user.failed_login', actor: 'monalisa' } }),
  event('external.vpn.login', { actor: unknownActor, details: { ingest: { source: 'events', system: 'vpn', sourceTime: '2026-03-02T08:00:00+01:00' } } }),
];

describe('OCSF export', () => {
  it('gives every documented event type and every ingested kind an object that has what OCSF 1.3 requires of its class', () => {
    const types = documentedTypes();
    expect(types.length).toBeGreaterThan(20);
    const all = [...samples, ...types.map((t) => event(t))];
    for (const e of all) expect(ocsfProblems(toOcsf(e)), e.type).toEqual([]);
  });

  it('classifies as the issue asks: logins as Authentication, API mutations as API Activity, documents as File Hosting, tokens and grants as User Access Management', () => {
    const cls = (type: string, over: Partial<AuditEvent> = {}) => {
      const o = toOcsf(event(type, over));
      return [o.class_uid, o.activity_id, o.type_uid];
    };
    expect(cls('auth.failed', { outcome: 'failure' })).toEqual([3002, 1, 300201]);
    expect(cls('ssh.login')).toEqual([3002, 1, 300201]);
    expect(cls('ssh.disconnect')).toEqual([3002, 2, 300202]);
    expect(cls('person.created')).toEqual([6003, 1, 600301]);
    expect(cls('vendor.updated')).toEqual([6003, 3, 600303]);
    expect(cls('person.offboarded')).toEqual([6003, 4, 600304]);
    expect(cls('engagement.developer_removed'), 'taking a developer off changes the engagement').toEqual([6003, 3, 600303]);
    expect(cls('access.denied', { outcome: 'denied', details: { method: 'GET' } })).toEqual([6003, 2, 600302]);
    expect(cls('engagement.document_uploaded', { details: { sha256: 'ab'.repeat(32), term: 'nda' } })).toEqual([6006, 1, 600601]);
    expect(cls('github.git.clone')).toEqual([6006, 2, 600602]);
    expect(cls('token.created')).toEqual([3005, 1, 300501]);
    expect(cls('grant.revoked')).toEqual([3005, 2, 300502]);
    expect(cls('external.vpn.login')).toEqual([0, 99, 99]);
  });

  it('carries status, severity, times, the product and the event id, and keeps the whole event under unmapped', () => {
    const e = samples.find((s) => s.type === 'ssh.login')!;
    const o = toOcsf(e);
    expect(o).toMatchObject({
      status_id: 2, status: 'Failure', severity_id: 2, time: Date.parse('2026-03-02T09:06:10Z'),
      metadata: { version: '1.3.0', uid: e.id, product: { name: 'Palisade', vendor_name: 'Palisade' }, logged_time: e.occurredAt.getTime(), original_time: 'Mar  2 09:06:10', sequence: e.leafIndex, log_provider: 'sshd' },
      user: { name: 'deploy' }, src_endpoint: { ip: '203.0.113.77', port: 40022 }, dst_endpoint: { hostname: 'web-1' }, service: { name: 'sshd' },
      unmapped: { type: 'ssh.login', outcome: 'failure', details: e.details },
    });
    const admin = toOcsf(event('person.created'));
    expect(admin).toMatchObject({ status_id: 1, severity_id: 1, actor: { user: { uid: '0193a3b4-0000-7000-8000-aaaaaaaaaaaa', name: 'admin', type_id: 2 } }, src_endpoint: { ip: '192.0.2.1' } });
    expect(toOcsf(event('system.bootstrapped', { actor: systemActor }))).toMatchObject({ actor: { app_name: 'Palisade' }, src_endpoint: { name: 'palisade' } });
  });

  it('would catch a missing required attribute (the checker itself can fail)', () => {
    const o = toOcsf(event('person.created'));
    delete o.api;
    expect(ocsfProblems(o)).toContain('event.api is required');
    expect(ocsfProblems({ ...toOcsf(event('ssh.login')), type_uid: 1 })).toContain('type_uid is not class_uid * 100 + activity_id');
    expect(ocsfProblems({ ...toOcsf(event('token.created')), privileges: [] })).toContain('privileges is not a non-empty array of strings');
  });

  it('matches the mapping table of docs/export.md row by row', () => {
    const text = readFileSync(new URL('../../../docs/export.md', import.meta.url), 'utf8');
    const rows = [...text.matchAll(/^\| `([^`]+)`(?: \(([A-Z]+)\))? \| (\d+) [^|]*\| (\d+) [^|]*\|/gm)];
    expect(rows.length).toBeGreaterThan(15);
    for (const [, type, method, classUid, activityId] of rows) {
      const e = event(type!, method ? { details: { method } } : {});
      const { class: c, activityId: a } = classify(e);
      expect([c.classUid, a], type).toEqual([Number(classUid), Number(activityId)]);
    }
  });
});
