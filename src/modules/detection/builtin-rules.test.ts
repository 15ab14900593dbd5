import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestOrigin } from '../auth/actor.ts';
import type { AuditEventInput } from '../audit/audit-types.ts';
import { builtinRules } from './builtin-rules.ts';
import { createDetectionEngine, type DetectionEngine } from './detection-engine.ts';
import { createDetectionFixture, type DetectionFixture } from './detection.test-support.ts';

// Every built-in rule through the whole path: events recorded and integrated into the log, enriched from
// the database, evaluated by the Sigma engine, alerts written. Each test has its own day (times only move forward).
let fx: DetectionFixture;
let engine: DetectionEngine;
beforeAll(async () => {
  fx = await createDetectionFixture(new Date('2026-03-02T08:00:00Z'));
  engine = createDetectionEngine({ db: fx.services.db, clock: fx.clock, audit: fx.services.audit, rules: builtinRules() });
});
afterAll(() => fx.close());

/** The rules whose alerts name any of these events, after the engine has run. */
async function fired(ids: string[]): Promise<string[]> {
  await engine.runOnce();
  const rows = await fx.services.db.query<{ rule_id: string }>(
    'SELECT DISTINCT a.rule_id FROM alerts a JOIN alert_events e ON e.alert_id = a.id WHERE e.event_id = ANY($1::uuid[]) ORDER BY a.rule_id', [ids]);
  return rows.map((r) => r.rule_id);
}

const at = (iso: string) => fx.clock.set(new Date(iso));
const origin = (ip: string): RequestOrigin => ({ ip, userAgent: 'git/2.45', requestId: null });
const times = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
const gitAuthFailure = (handle: string): AuditEventInput => ({ type: 'auth.failed', outcome: 'failure', details: { reason: 'unknown token', method: 'git-basic', handle } });

/** Record events one by one, `stepMs` apart. */
async function recordSpaced(actor: Parameters<DetectionFixture['record']>[0] | ((i: number) => Parameters<DetectionFixture['record']>[0]), events: AuditEventInput[], stepMs: number): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, e] of events.entries()) {
    ids.push(...(await fx.record(typeof actor === 'function' ? actor(i) : actor, e)));
    fx.clock.advance(stepMs);
  }
  return ids;
}

describe('built-in rule: access outside working hours', () => {
  it('fires on the 2 AM clone in Tokyo and not on a clone at 10:00 there', async () => {
    const dev = await fx.developer('kenji', 'Asia/Tokyo');
    at('2026-03-02T17:00:00Z'); // 02:00 Tuesday in Tokyo
    expect(await fired(await fx.record(dev, { type: 'git.clone', outcome: 'success' }))).toEqual(['palisade-off-hours-access']);
    at('2026-03-03T01:00:00Z'); // 10:00 Tuesday in Tokyo
    expect(await fired(await fx.record(dev, { type: 'git.clone', outcome: 'success' }))).toEqual([]);
  });
});

describe('built-in rules: failed-login bursts', () => {
  it('fires on five failures for one account within five minutes, from different addresses', async () => {
    at('2026-03-03T10:00:00Z');
    const ids = await recordSpaced((i) => origin(`203.0.113.${10 + i}`), times(5, () => gitAuthFailure('kai')), 30_000);
    expect(await fired(ids)).toEqual(['palisade-failed-login-burst-developer']);
  });

  it('does not fire on five failures for one account spread over more than five minutes', async () => {
    at('2026-03-03T11:00:00Z');
    const ids = await recordSpaced((i) => origin(`203.0.113.${30 + i}`), times(5, () => gitAuthFailure('lou')), 80_000);
    expect(await fired(ids)).toEqual([]);
  });

  it('fires on ten failures from one address whatever accounts they tried, and not on nine', async () => {
    at('2026-03-03T12:00:00Z');
    const sprayed = await recordSpaced(origin('198.51.100.200'), times(10, (i) => gitAuthFailure(`user${i}`)), 5_000);
    expect(await fired(sprayed)).toEqual(['palisade-failed-login-burst-address']);
    at('2026-03-03T13:00:00Z');
    const fewer = await recordSpaced(origin('198.51.100.201'), times(9, (i) => ({ type: 'ssh.invalid_user', outcome: 'failure', details: { user: `admin${i}`, invalidUser: true } })), 5_000);
    expect(await fired(fewer)).toEqual([]);
  });
});

describe('built-in rule: new source address', () => {
  it('stays quiet on a developer\'s first address and on failures, and fires on a success from a new one', async () => {
    const dev = await fx.developer('nadia', 'UTC');
    at('2026-03-04T10:00:00Z');
    expect(await fired(await fx.record(dev, { type: 'git.fetch', outcome: 'success' }))).toEqual([]);
    expect(await fired(await fx.record({ ...dev, ip: '192.0.2.44' }, { type: 'git.fetch', outcome: 'failure' }))).toEqual([]);
    expect(await fired(await fx.record(dev, { type: 'git.fetch', outcome: 'success' }))).toEqual([]);
    expect(await fired(await fx.record({ ...dev, ip: '192.0.2.44' }, { type: 'git.fetch', outcome: 'success' }))).toEqual(['palisade-new-source-address']);
  });
});

describe('built-in rules: mass clone and mass download', () => {
  it('fires when one developer reads ten repositories within ten minutes, and not on nine', async () => {
    const dev = await fx.developer('max', 'UTC');
    const repos = [];
    for (let i = 0; i < 10; i++) repos.push(await fx.resource({}));
    at('2026-03-05T10:00:00Z');
    const nine = await recordSpaced(dev, repos.slice(0, 9).map((id) => ({ type: 'git.clone', outcome: 'success', target: { type: 'resource', id } })), 20_000);
    expect(await fired(nine)).toEqual([]);
    const tenth = await fx.record(dev, { type: 'git.clone', outcome: 'success', target: { type: 'resource', id: repos[9]! } });
    expect(await fired(tenth)).toEqual(['palisade-mass-clone']);
  });

  it('does not count the same repository twice', async () => {
    const dev = await fx.developer('mo', 'UTC');
    const repo = await fx.resource({});
    at('2026-03-05T12:00:00Z');
    const ids = await recordSpaced(dev, times(12, () => ({ type: 'git.fetch', outcome: 'success', target: { type: 'resource', id: repo } })), 10_000);
    expect(await fired(ids)).toEqual([]);
  });

  it('fires on five transfers of 50 MiB or more within ten minutes, and not on four', async () => {
    const dev = await fx.developer('bea', 'UTC');
    const repo = await fx.resource({});
    at('2026-03-05T14:00:00Z');
    const big = (): AuditEventInput => ({ type: 'git.clone', outcome: 'success', target: { type: 'resource', id: repo }, details: { bytesOut: 60 * 1024 * 1024 } });
    expect(await fired(await recordSpaced(dev, times(4, big), 30_000))).toEqual([]);
    expect(await fired(await fx.record(dev, big()))).toEqual(['palisade-mass-download']);
  });
});

describe('built-in rules: after the engagement, and denial spikes', () => {
  it('fires on an attempt after the engagement ended and not while it is active', async () => {
    const gone = await fx.developer('olga', 'UTC');
    await fx.engagement({ status: 'ended', endDate: '2026-03-01', developers: [gone.personId] });
    const active = await fx.developer('pia', 'UTC');
    await fx.engagement({ status: 'active', developers: [active.personId] });
    at('2026-03-06T10:00:00Z');
    expect(await fired(await fx.record(gone, { type: 'git.fetch', outcome: 'denied' }))).toEqual(['palisade-attempt-after-engagement-end']);
    expect(await fired(await fx.record(active, { type: 'git.fetch', outcome: 'denied' }))).toEqual([]);
  });

  it('fires on five denials of one developer within ten minutes and not on four', async () => {
    const dev = await fx.developer('quinn', 'UTC');
    await fx.engagement({ developers: [dev.personId] });
    const repo = await fx.resource({});
    at('2026-03-06T12:00:00Z');
    const denied = (): AuditEventInput => ({ type: 'authz.denied', outcome: 'denied', target: { type: 'resource', id: repo }, details: { principal: { id: dev.personId, handle: 'quinn' }, gateway: 'git' } });
    expect(await fired(await recordSpaced(dev, times(4, denied), 60_000))).toEqual([]);
    // Questions an admin asks the authorizer about the developer are not the developer's attempts.
    // (The question names quinn as principal; the actor asking is an admin.)
    const admin = { ...dev, handle: 'boss', role: 'admin' as const };
    expect(await fired(await fx.record(admin, denied()))).toEqual([]);
    expect(await fired(await fx.record(dev, denied()))).toEqual(['palisade-denial-spike']);
  });
});

describe('built-in rules: refused pushes', () => {
  it('fires on a push refused for a secret, on a protected-ref attempt, and not on an accepted push', async () => {
    const dev = await fx.developer('rui', 'UTC');
    at('2026-03-09T10:00:00Z');
    const secret = await fx.record(dev, { type: 'git.push', outcome: 'denied', details: {
      updates: [{ ref: 'refs/heads/contrib/rui/fix', kind: 'update', forced: false }], findings: 1, findingRules: ['aws-access-key'],
      refused: [{ ref: 'refs/heads/contrib/rui/fix', reason: 'push contains a secret (aws-access-key)' }] } });
    expect(await fired(secret)).toEqual(['palisade-push-secret']);
    const protectedRef = await fx.record(dev, { type: 'git.push', outcome: 'denied', details: {
      updates: [{ ref: 'refs/heads/main', kind: 'update', forced: false }], findings: 0,
      refused: [{ ref: 'refs/heads/main', reason: 'protected ref: external developers cannot update it' }] } });
    expect(await fired(protectedRef)).toEqual(['palisade-protected-ref-attempt']);
    const accepted = await fx.record(dev, { type: 'git.push', outcome: 'success', details: { updates: [{ ref: 'refs/heads/contrib/rui/fix', kind: 'update', forced: false }], findings: 0, refused: [] } });
    expect(await fired(accepted)).toEqual([]);
  });
});

describe('built-in rule: production used by an external developer', () => {
  it('fires for an external developer on production, not on staging', async () => {
    const dev = await fx.developer('sam', 'UTC');
    const prod = await fx.resource({ environment: 'production' });
    const staging = await fx.resource({ environment: 'staging' });
    at('2026-03-09T12:00:00Z');
    expect(await fired(await fx.record(dev, { type: 'git.clone', outcome: 'success', target: { type: 'resource', id: prod } }))).toEqual(['palisade-production-external-use']);
    expect(await fired(await fx.record(dev, { type: 'git.clone', outcome: 'success', target: { type: 'resource', id: staging } }))).toEqual([]);
  });
});

describe('built-in rule: working hours across a daylight-saving change', () => {
  it('calls 13:30 UTC off hours in New York before the March change (08:30 EST) and not after it (09:30 EDT)', async () => {
    const dev = await fx.developer('tess', 'America/New_York');
    at('2026-03-09T13:30:00Z'); // Monday after the change: 09:30 EDT
    expect(await fired(await fx.record(dev, { type: 'git.fetch', outcome: 'success' }))).toEqual([]);
    at('2026-03-16T12:30:00Z'); // the next Monday, 08:30 EDT
    expect(await fired(await fx.record(dev, { type: 'git.fetch', outcome: 'success' }))).toEqual(['palisade-off-hours-access']);
  });
});
