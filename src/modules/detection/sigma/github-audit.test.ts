/** @module detection/sigma/github-audit.test — every SigmaHQ GitHub audit rule loads, fires on an event built from its own values and not on a near miss. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRuleSet, loadSigmaRules } from './index.ts';
import type { SigmaDetectionRule, SigmaEvent } from './types.ts';
import { parseWildcards } from './wildcard.ts';

const TESTDATA = new URL('../../../../test/fixtures/sigma/', import.meta.url);
const read = (dir: string) =>
  readdirSync(new URL(`${dir}/`, TESTDATA))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => ({ path: `${dir}/${f}`, text: readFileSync(new URL(`${dir}/${f}`, TESTDATA), 'utf8') }));

const github = read('github-audit');
const sshd = read('linux-sshd');

/** A GitHub audit log entry as GitHub streams it (its own field names). */
function githubEvent(id: string, fields: Record<string, unknown>, logsource = { product: 'github', service: 'audit' }): SigmaEvent {
  return {
    id,
    time: new Date('2026-03-01T10:00:00Z'),
    logsource,
    fields: {
      '@timestamp': 1772359200000,
      _document_id: 'xJJFlFOhQ6b-5vaAFy9Rjw',
      actor: 'octocat',
      actor_id: 583231,
      actor_location: { country_code: 'DE' },
      org: 'palisade-test',
      org_id: 9919,
      repo: 'palisade-test/app',
      user: 'mona',
      created_at: 1772359200000,
      operation_type: 'modify',
      ...fields,
    },
  };
}

/** A literal string that the Sigma value (with its modifiers) matches: wildcards filled, position padding added. */
function satisfying(value: string, modifiers: string[]): string {
  const literal = parseWildcards(value).map((p) => (typeof p === 'string' ? p : 'x')).join('');
  if (modifiers.includes('contains')) return `pre.${literal}.post`;
  if (modifiers.includes('startswith')) return `${literal}.post`;
  if (modifiers.includes('endswith')) return `pre.${literal}`;
  return literal;
}

/** The same string one character off in the middle: what a careless rule might still match. */
const nearMiss = (s: string) => `${s.slice(0, Math.floor(s.length / 2))}#${s.slice(Math.floor(s.length / 2) + 1)}`;

describe('the SigmaHQ GitHub audit rules', () => {
  const loaded = loadSigmaRules(github);

  it('all load without an error', () => {
    expect(loaded.errors).toEqual([]);
    expect(loaded.rules).toHaveLength(github.length);
    expect(github.length).toBeGreaterThanOrEqual(15);
  });

  const engine = compileRuleSet(loaded.rules);
  for (const rule of loaded.rules as SigmaDetectionRule[]) {
    describe(`${rule.title} (${rule.origin.file})`, () => {
      // Every rule of this set is `selection` over fields; each value of each list is exercised.
      const entries = Object.values(rule.selections).flatMap((s) => s.anyOf.flat());
      const cases = entries.flatMap((fc) => fc.values.map((v) => ({ field: fc.field!, value: satisfying(String(v), fc.modifiers) })));

      it.each(cases)('fires on a GitHub audit event with $field = $value', ({ field, value }) => {
        const matches = engine.evaluate(githubEvent('match', { [field]: value }));
        expect(matches.map((m) => m.ruleId)).toContain(rule.id);
        const m = matches.find((x) => x.ruleId === rule.id)!;
        expect(m).toMatchObject({ kind: 'detection', level: rule.level, eventIds: ['match'], title: rule.title });
      });

      it.each(cases)('does not fire when $field is one character off $value', ({ field, value }) => {
        const matches = engine.evaluate(githubEvent('miss', { [field]: nearMiss(value) }));
        expect(matches.map((m) => m.ruleId)).not.toContain(rule.id);
      });

      it('does not fire on the matching action from another log source', () => {
        const { field, value } = cases[0]!;
        expect(engine.evaluate(githubEvent('other', { [field]: value }, { product: 'gitlab', service: 'audit' }))).toEqual([]);
      });
    });
  }
});

describe('the SigmaHQ linux sshd rule', () => {
  it('loads and fires on a keyword anywhere in the event, case-insensitively', () => {
    const { rules, errors } = loadSigmaRules(sshd);
    expect(errors).toEqual([]);
    const engine = compileRuleSet(rules);
    const event = (message: string): SigmaEvent => ({ id: 'e', time: new Date(), logsource: { product: 'linux', service: 'sshd' }, fields: { message } });
    expect(engine.evaluate(event('sshd[42]: fatal: buffer_get_string: bad string length 1048577'))).toHaveLength(1);
    expect(engine.evaluate(event('sshd[42]: CORRUPTED MAC ON INPUT.'))).toHaveLength(1);
    expect(engine.evaluate(event('sshd[42]: Accepted publickey for mona'))).toHaveLength(0);
  });
});
