/** @module detection/sigma/correlation.test — event_count, value_count, temporal(_ordered) windows per group. */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { engineFrom, testEvent } from './testing.ts';

const failedLogin = stringify({
  title: 'Failed login',
  id: 'failed-login',
  name: 'failed_login',
  logsource: { product: 'test' },
  detection: { sel: { action: 'login.failed' }, condition: 'sel' },
});
const success = stringify({ title: 'Login', id: 'login-ok', logsource: { product: 'test' }, detection: { sel: { action: 'login.ok' }, condition: 'sel' } });
const clone = stringify({ title: 'Clone', id: 'clone', logsource: { product: 'test' }, detection: { sel: { action: 'git.clone' }, condition: 'sel' } });

const correlation = (c: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  stringify({ title: 'Correlation', id: 'corr', level: 'high', tags: ['attack.credential-access'], correlation: c, ...extra });

const MIN = 60_000;
const login = (user: string, t: number, extra: Record<string, unknown> = {}) => testEvent({ action: 'login.failed', user, ...extra }, t);

describe('event_count', () => {
  const burst = correlation({ type: 'event_count', rules: ['failed_login'], 'group-by': ['user'], timespan: '5m', condition: { gte: 3 } });

  it('fires at the threshold, not before, with every counted event and its group', () => {
    const engine = engineFrom(failedLogin, burst);
    const events = [login('mona', 0), login('mona', MIN), login('mona', 2 * MIN)];
    expect(engine.evaluate(events[0]!)).toEqual([]);
    expect(engine.evaluate(events[1]!)).toEqual([]);
    const fired = engine.evaluate(events[2]!);
    expect(fired).toEqual([
      { ruleId: 'corr', title: 'Correlation', level: 'high', kind: 'correlation', eventIds: events.map((e) => e.id), groupBy: { user: 'mona' }, tags: ['attack.credential-access'] },
    ]);
  });

  it('does not count events that have left the window', () => {
    const engine = engineFrom(failedLogin, burst);
    expect(engine.evaluate(login('mona', 0))).toEqual([]);
    expect(engine.evaluate(login('mona', 4 * MIN))).toEqual([]);
    expect(engine.evaluate(login('mona', 6 * MIN))).toEqual([]); // the first one expired
    expect(engine.evaluate(login('mona', 7 * MIN))).toHaveLength(1);
  });

  it('keeps groups apart', () => {
    const engine = engineFrom(failedLogin, burst);
    engine.evaluate(login('mona', 0));
    engine.evaluate(login('octocat', 1));
    engine.evaluate(login('mona', 2));
    expect(engine.evaluate(login('octocat', 3))).toEqual([]);
    expect(engine.evaluate(login('mona', 4))[0]?.groupBy).toEqual({ user: 'mona' });
  });

  it('starts the group afresh after firing', () => {
    const engine = engineFrom(failedLogin, burst);
    const fired = Array.from({ length: 7 }, (_, i) => engine.evaluate(login('mona', i)).length);
    expect(fired).toEqual([0, 0, 1, 0, 0, 1, 0]);
  });

  it('does not report the referenced rule on its own unless generate is true', () => {
    expect(engineFrom(failedLogin, burst).evaluate(login('mona', 0))).toEqual([]);
    const generating = correlation({ type: 'event_count', rules: ['failed-login'], 'group-by': ['user'], timespan: '5m', condition: { gte: 3 }, generate: true });
    expect(engineFrom(failedLogin, generating).evaluate(login('mona', 0)).map((m) => m.ruleId)).toEqual(['failed-login']);
  });

  it('counts an event that two referenced rules both match once', () => {
    const anyFailure = stringify({ title: 'Any failure', id: 'any-failure', logsource: { product: 'test' }, detection: { sel: { 'action|startswith': 'login.' }, condition: 'sel' } });
    const engine = engineFrom(failedLogin, anyFailure, correlation({ type: 'event_count', rules: ['failed-login', 'any-failure'], 'group-by': ['user'], timespan: '5m', condition: { gte: 2 } }));
    expect(engine.evaluate(login('mona', 0))).toEqual([]);
    expect(engine.evaluate(login('mona', 1))).toHaveLength(1);
  });

  it('caps the event ids of a large window at 100', () => {
    const engine = engineFrom(failedLogin, correlation({ type: 'event_count', rules: ['failed_login'], timespan: '1h', condition: { gt: 150 } }));
    let fired: string[] = [];
    for (let i = 0; i < 151 && fired.length === 0; i++) fired = engine.evaluate(login('x', i)).flatMap((m) => m.eventIds);
    expect(fired).toHaveLength(100);
  });

  it('forgets expired groups, so memory stays bounded', async () => {
    const { loadSigmaRules } = await import('./loader.ts');
    const { CorrelationState } = await import('./correlation.ts');
    const { EventView } = await import('./event-view.ts');
    const { rules } = loadSigmaRules([{ path: 'a.yml', text: failedLogin }, { path: 'b.yml', text: burst }]);
    const [detection, corr] = rules as [never, never];
    const state = new CorrelationState(corr, [detection]);
    for (let i = 0; i < 1000; i++) {
      const e = login(`user${i}`, i);
      state.add(detection, e, new EventView(e.fields));
    }
    expect(state.groupCount).toBe(1000);
    const late = login('late', 10 * MIN);
    state.add(detection, late, new EventView(late.fields));
    expect(state.groupCount).toBe(1);
  });
});

describe('value_count', () => {
  const spray = correlation({ type: 'value_count', rules: ['failed-login'], 'group-by': ['source_ip'], timespan: '10m', condition: { field: 'user', gte: 3 } });

  it('counts distinct values of the field, not events', () => {
    const engine = engineFrom(failedLogin, spray);
    const e = (user: string, t: number) => login(user, t, { source_ip: '203.0.113.9' });
    expect(engine.evaluate(e('a', 0))).toEqual([]);
    expect(engine.evaluate(e('a', 1))).toEqual([]);
    expect(engine.evaluate(e('b', 2))).toEqual([]);
    expect(engine.evaluate(e('b', 3))).toEqual([]);
    const fired = engine.evaluate(e('c', 4));
    expect(fired).toHaveLength(1);
    expect(fired[0]!.groupBy).toEqual({ source_ip: '203.0.113.9' });
    expect(fired[0]!.eventIds).toHaveLength(3);
  });

  it('lets values expire and ignores events without the field', () => {
    const engine = engineFrom(failedLogin, spray);
    engine.evaluate(login('a', 0, { source_ip: 'x' }));
    engine.evaluate(login('b', 1, { source_ip: 'x' }));
    expect(engine.evaluate(testEvent({ action: 'login.failed', source_ip: 'x' }, 2))).toEqual([]);
    expect(engine.evaluate(login('c', 11 * MIN, { source_ip: 'x' }))).toEqual([]);
  });
});

describe('temporal', () => {
  const ruleRefs = { rules: ['failed-login', 'login-ok', 'clone'], 'group-by': ['user'], timespan: '10m' };

  it('fires when every referenced rule matched within the timespan, in any order', () => {
    const engine = engineFrom(failedLogin, success, clone, correlation({ type: 'temporal', ...ruleRefs }));
    expect(engine.evaluate(testEvent({ action: 'git.clone', user: 'm' }, 0))).toEqual([]);
    expect(engine.evaluate(testEvent({ action: 'login.ok', user: 'm' }, MIN))).toEqual([]);
    expect(engine.evaluate(testEvent({ action: 'login.ok', user: 'other' }, MIN))).toEqual([]);
    const fired = engine.evaluate(testEvent({ action: 'login.failed', user: 'm' }, 2 * MIN));
    expect(fired.map((m) => m.ruleId)).toEqual(['corr']);
    expect(fired[0]!.eventIds).toHaveLength(3);
  });

  it('does not fire when one of them is older than the timespan', () => {
    const engine = engineFrom(failedLogin, success, clone, correlation({ type: 'temporal', ...ruleRefs }));
    engine.evaluate(testEvent({ action: 'git.clone', user: 'm' }, 0));
    engine.evaluate(testEvent({ action: 'login.ok', user: 'm' }, 9 * MIN));
    expect(engine.evaluate(testEvent({ action: 'login.failed', user: 'm' }, 11 * MIN))).toEqual([]);
  });

  it('temporal_ordered requires the listed order', () => {
    const ordered = correlation({ type: 'temporal_ordered', ...ruleRefs });
    const inOrder = engineFrom(failedLogin, success, clone, ordered);
    inOrder.evaluate(testEvent({ action: 'login.failed', user: 'm' }, 0));
    inOrder.evaluate(testEvent({ action: 'login.ok', user: 'm' }, 1));
    expect(inOrder.evaluate(testEvent({ action: 'git.clone', user: 'm' }, 2))).toHaveLength(1);
    const outOfOrder = engineFrom(failedLogin, success, clone, ordered);
    outOfOrder.evaluate(testEvent({ action: 'login.ok', user: 'm' }, 0));
    outOfOrder.evaluate(testEvent({ action: 'login.failed', user: 'm' }, 1));
    expect(outOfOrder.evaluate(testEvent({ action: 'git.clone', user: 'm' }, 2))).toEqual([]);
  });

  it('groups by an alias that each rule names differently', () => {
    const a = stringify({ title: 'A', id: 'a', logsource: { product: 'test' }, detection: { s: { action: 'a' }, condition: 's' } });
    const b = stringify({ title: 'B', id: 'b', logsource: { product: 'test' }, detection: { s: { action: 'b' }, condition: 's' } });
    const engine = engineFrom(a, b, correlation({ type: 'temporal', rules: ['a', 'b'], 'group-by': ['who'], timespan: '1m' }, { aliases: { who: { a: 'actor', b: 'target.user' } } }));
    engine.evaluate(testEvent({ action: 'a', actor: 'mona' }, 0));
    const fired = engine.evaluate(testEvent({ action: 'b', target: { user: 'mona' } }, 1));
    expect(fired.map((m) => m.groupBy)).toEqual([{ who: 'mona' }]);
  });
});
