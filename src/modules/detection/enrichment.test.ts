import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toEvent, type DbRow } from '../audit/audit-store.ts';
import type { AuditEvent } from '../audit/audit-types.ts';
import { createDetectionFixture, type DetectionFixture } from './detection.test-support.ts';
import { prepareBatch } from './enrichment.ts';

let fx: DetectionFixture;
beforeAll(async () => {
  fx = await createDetectionFixture(new Date('2026-03-02T10:00:00Z'));
});
afterAll(() => fx.close());

const logged = async (ids: string[]): Promise<AuditEvent[]> =>
  (await fx.services.db.query<DbRow>('SELECT * FROM audit_log_entries WHERE id = ANY($1::uuid[]) ORDER BY leaf_index', [ids])).map(toEvent);

describe('enrichment of Palisade events', () => {
  it('adds local time and working hours, the resource, the engagement, the grant and the source address', async () => {
    const dev = await fx.developer('lena', 'America/New_York');
    const resource = await fx.resource({ environment: 'production', sensitivity: 'restricted', name: 'payments/api' });
    const engagement = await fx.engagement({ endDate: '2026-03-05', developers: [dev.personId] });
    await fx.grant(dev.personId, resource, engagement, new Date('2026-03-01T00:00:00Z'), new Date('2026-03-03T00:00:00Z'));
    // Monday 08:30 in New York (EST): before her 09:00 start.
    fx.clock.set(new Date('2026-03-02T13:30:00Z'));
    const ids = await fx.record(dev, { type: 'git.clone', outcome: 'success', target: { type: 'resource', id: resource }, details: { bytesOut: 1234 } });
    const [event] = await logged(ids);
    const ctx = await fx.services.db.transaction((tx) => prepareBatch(tx, [event!]));
    const sigma = ctx.toSigma(event!);
    expect(sigma.logsource).toEqual({ product: 'palisade' });
    expect(sigma.fields).toMatchObject({
      type: 'git.clone', outcome: 'success', leafIndex: event!.leafIndex,
      developer: { handle: 'lena', kind: 'external', timeZone: 'America/New_York', local: { time: '08:30', weekday: 'mon', utcOffsetMinutes: -300 }, withinWorkingHours: false, activeEngagements: 1 },
      resource: { id: resource, name: 'payments/api', environment: 'production', sensitivity: 'restricted' },
      engagement: { id: engagement, status: 'active', endDate: '2026-03-05', ended: false, daysPastEnd: 0 },
      grant: { held: true, permission: 'read' },
      source: { ip: '198.51.100.7', seenBefore: false, knownAddresses: 0 },
      transfer: { bytes: 1234 },
    });
    // The success made the address known, for this batch's later events and (once written) for the next batches.
    expect(ctx.newlySeen).toEqual([expect.objectContaining({ personId: dev.personId, address: '198.51.100.7' })]);
  });

  it('knows an address seen before, a grant that has ended, and an engagement past its end date', async () => {
    const dev = await fx.developer('omar', 'UTC');
    const resource = await fx.resource({});
    const engagement = await fx.engagement({ endDate: '2026-03-01', developers: [dev.personId] });
    await fx.grant(dev.personId, resource, engagement, new Date('2026-02-01T00:00:00Z'), new Date('2026-03-01T00:00:00Z'));
    await fx.services.db.query(
      "INSERT INTO detection_seen_addresses (person_id, address, first_seen_at, last_seen_at, first_leaf_index) VALUES ($1, '198.51.100.7', now(), now(), 0), ($1, '192.0.2.1', now(), now(), 0)",
      [dev.personId]);
    fx.clock.set(new Date('2026-03-04T10:00:00Z'));
    const ids = await fx.record({ ...dev, ip: '203.0.113.99' }, { type: 'git.fetch', outcome: 'failure', target: { type: 'resource', id: resource } });
    const [event] = await logged(ids);
    const ctx = await fx.services.db.transaction((tx) => prepareBatch(tx, [event!]));
    expect(ctx.toSigma(event!).fields).toMatchObject({
      grant: { held: false, everHeld: true },
      engagement: { ended: true, daysPastEnd: 3 },
      source: { ip: '203.0.113.99', seenBefore: false, knownAddresses: 2 },
    });
    // A failure does not make an address known.
    expect(ctx.newlySeen).toEqual([]);
  });

  it('describes login attempts by the account they claimed and push refusals by what they were about', async () => {
    const origin = { ip: '203.0.113.5', userAgent: 'git/2.45', requestId: null };
    const ids = await fx.record(origin,
      { type: 'auth.failed', outcome: 'failure', details: { reason: 'unknown token', method: 'git-basic', handle: 'mallory' } },
      { type: 'git.push', outcome: 'denied', details: { updates: [{ ref: 'refs/heads/main', forced: true }], refused: [{ ref: 'refs/heads/main', reason: 'protected ref: force-push refused' }], findings: 1 } });
    const events = await logged(ids);
    const ctx = await fx.services.db.transaction((tx) => prepareBatch(tx, events));
    expect(ctx.toSigma(events[0]!).fields).toMatchObject({ auth: { failed: true, method: 'git-basic', user: 'mallory' }, source: { ip: '203.0.113.5' } });
    expect(ctx.toSigma(events[1]!).fields).toMatchObject({ push: { refused: true, protectedRef: true, secret: true, forced: true, findings: 1 } });
  });
});

describe('enrichment of ingested GitHub events', () => {
  it('passes GitHub\'s own fields as product github, service audit, timed by the event\'s own timestamp', async () => {
    const payload = { action: 'git.clone', actor: 'octocat', repo: 'acme/api', '@timestamp': 1772445600000, _document_id: 'doc-1' };
    const report = await fx.services.ingest.github({ kind: 'system', ip: null, userAgent: null, requestId: null }, Buffer.from(JSON.stringify(payload)));
    expect(report.accepted).toBe(1);
    await fx.services.auditSequencer.runOnce();
    const rows = (await fx.services.db.query<DbRow>("SELECT * FROM audit_log_entries WHERE type = 'github.git.clone'")).map(toEvent);
    const ctx = await fx.services.db.transaction((tx) => prepareBatch(tx, rows));
    const sigma = ctx.toSigma(rows[0]!);
    expect(sigma.logsource).toEqual({ product: 'github', service: 'audit' });
    expect(sigma.fields).toEqual(payload);
    expect(sigma.time).toEqual(new Date(1772445600000));
  });
});
