import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetectionEngine } from './detection-engine.ts';
import { createDetectionFixture, trackedBuiltinRules, type DetectionFixture } from './detection.test-support.ts';


let fx: DetectionFixture;
beforeAll(async () => {
  fx = await createDetectionFixture();
});
afterAll(() => fx.close());

const engineWith = (rules = trackedBuiltinRules()) => ({ rules, engine: createDetectionEngine({ db: fx.services.db, clock: fx.clock, audit: fx.services.audit, rules }) });

describe('the detection engine (built-in rules)', () => {
  it('raises an alert naming the event and its log position, and does not evaluate its own alert events', async () => {
    const dev = await fx.developer('kenji', 'Asia/Tokyo');
    fx.clock.set(new Date('2026-03-02T17:00:00Z')); // 02:00 on Tuesday in Tokyo
    const [cloneId] = await fx.record(dev, { type: 'git.clone', outcome: 'success', details: { repository: 'payments/api' } });
    const { engine, rules } = engineWith();
    const run = await engine.runOnce();
    expect(run.raised).toHaveLength(1);
    const [alert] = await fx.services.db.query<{ rule_id: string; developer_id: string; subject: string; severity: string }>('SELECT * FROM alerts WHERE id = $1', [run.raised[0]]);
    expect(alert).toMatchObject({ rule_id: 'palisade-off-hours-access', developer_id: dev.personId, subject: 'kenji', severity: 'high' });
    const [linked] = await fx.services.db.query<{ event_id: string; leaf_index: number }>('SELECT * FROM alert_events WHERE alert_id = $1', [run.raised[0]]);
    const [leaf] = await fx.services.db.query<{ leaf_index: number }>('SELECT leaf_index FROM audit_log_entries WHERE id = $1', [cloneId]);
    expect(linked).toEqual(expect.objectContaining({ event_id: cloneId, leaf_index: leaf!.leaf_index }));

    // The alert.raised event is in the log now; the engine reads past it without evaluating it.
    await fx.services.auditSequencer.runOnce();
    const before = rules.evaluatedIds.length;
    const again = await engine.runOnce();
    expect(again).toMatchObject({ evaluated: 0, raised: [] });
    expect(rules.evaluatedIds.length).toBe(before);
    const [raisedEvent] = await fx.services.db.query<{ leaf_index: number }>("SELECT leaf_index FROM audit_log_entries WHERE type = 'alert.raised'");
    expect(await engine.position()).toBe(raisedEvent!.leaf_index);
  });

  it('folds repeated firings for the same subject within the window into one alert', async () => {
    const dev = await fx.developer('mio', 'Asia/Tokyo');
    fx.clock.set(new Date('2026-03-02T17:10:00Z'));
    await fx.record(dev, { type: 'git.fetch', outcome: 'success' }, { type: 'git.fetch', outcome: 'success' });
    const { engine } = engineWith();
    const run = await engine.runOnce();
    expect(run.firings).toBe(2);
    expect(run.raised).toHaveLength(1);
    const [a] = await fx.services.db.query<{ count: number }>('SELECT count FROM alerts WHERE id = $1', [run.raised[0]]);
    expect(a!.count).toBe(2);
    const events = await fx.services.db.query('SELECT * FROM alert_events WHERE alert_id = $1', [run.raised[0]]);
    expect(events).toHaveLength(2);
  });

  it('resumes after a restart without skipping or repeating events, with correlation windows rebuilt by replay', async () => {
    fx.clock.set(new Date('2026-03-03T10:00:00Z'));
    const origin = { ip: '203.0.113.50', userAgent: null, requestId: null };
    // Nine failed logins from one address: one short of the burst rule (ten within five minutes).
    const failure = { type: 'auth.failed', outcome: 'failure' as const, details: { method: 'api-token', reason: 'unknown token' } };
    const first = await fx.record(origin, ...Array.from({ length: 9 }, () => failure));
    const a = engineWith();
    const r1 = await a.engine.runOnce();
    expect(r1.raised).toEqual([]);
    expect(a.rules.evaluatedIds).toEqual(expect.arrayContaining(first));

    // "Restart": a new engine with empty windows. The tenth failure completes the burst only if the replay rebuilt them.
    fx.clock.advance(10_000);
    const [tenth] = await fx.record(origin, failure);
    const b = engineWith();
    const r2 = await b.engine.runOnce();
    expect(r2.evaluated).toBe(1);
    expect(r2.raised).toHaveLength(1);
    const linked = await fx.services.db.query<{ event_id: string }>('SELECT event_id FROM alert_events WHERE alert_id = $1 ORDER BY leaf_index', [r2.raised[0]]);
    expect(linked.map((l) => l.event_id)).toEqual([...first, tenth]);
    // Replayed events were evaluated silently; the new one exactly once.
    expect(b.rules.evaluatedIds.filter((id) => id === tenth)).toHaveLength(1);

    await fx.services.auditSequencer.runOnce();
    expect(await b.engine.runOnce()).toMatchObject({ evaluated: 0, raised: [] });
  });

  it('keeps its position when a batch fails, and evaluates the batch again afterwards', async () => {
    fx.clock.set(new Date('2026-03-04T10:00:00Z'));
    const dev = await fx.developer('ada', 'UTC');
    fx.clock.set(new Date('2026-03-04T23:30:00Z'));
    await fx.record(dev, { type: 'git.clone', outcome: 'success' });
    let fail = true;
    const rules = trackedBuiltinRules();
    const flaky = { maxTimespanMs: rules.maxTimespanMs, create: () => {
      const inner = rules.create();
      // While `fail`, matches carry an empty rule id, which the constraint added below refuses.
      return { evaluate: (e: Parameters<typeof inner.evaluate>[0]) => inner.evaluate(e).map((m) => (fail ? { ...m, ruleId: '' } : m)) };
    } };
    const engine = createDetectionEngine({ db: fx.services.db, clock: fx.clock, audit: fx.services.audit, rules: flaky });
    const before = await engine.position();
    await fx.services.db.query('ALTER TABLE alerts ADD CONSTRAINT test_rule_id_nonempty CHECK (rule_id <> \'\')');
    await expect(engine.runOnce()).rejects.toThrow();
    expect(await engine.position()).toBe(before);
    await fx.services.db.query('ALTER TABLE alerts DROP CONSTRAINT test_rule_id_nonempty');
    fail = false;
    const run = await engine.runOnce();
    expect(run.raised).toHaveLength(1);
    expect(await engine.position()).toBeGreaterThan(before);
  });
});
