/** @module detection/sigma/condition.test — the condition grammar: precedence, parentheses, `N of`, `them`, and refusals. */
import { describe, expect, it } from 'vitest';
import { parseCondition } from './condition.ts';
import { engineFrom, ruleYaml, testEvent } from './testing.ts';

/** Selections a, b, c (and _helper) each true when the event's field of that name is 'yes'. */
function truth(condition: string, on: string[]): boolean {
  const names = ['a', 'b', 'c', 'sel_x', 'sel_y', '_helper'];
  const detection: Record<string, unknown> = { condition };
  for (const n of names) detection[n] = { [n]: 'yes' };
  const fields = Object.fromEntries(on.map((n) => [n, 'yes']));
  return engineFrom(ruleYaml(detection)).evaluate(testEvent(fields)).length > 0;
}

const subsets = (names: string[]): string[][] => names.reduce<string[][]>((acc, n) => [...acc, ...acc.map((s) => [...s, n])], [[]]);

describe('the condition grammar', () => {
  const cases: [string, (a: boolean, b: boolean, c: boolean) => boolean][] = [
    ['a or b and c', (a, b, c) => a || (b && c)],
    ['a and b or c', (a, b, c) => (a && b) || c],
    ['not a and b', (a, b) => !a && b],
    ['not (a and b)', (a, b) => !(a && b)],
    ['not a or not b and c', (a, b, c) => !a || (!b && c)],
    ['(a or b) and not c', (a, b, c) => (a || b) && !c],
    ['not not a', (a) => a],
    ['a AND (b OR c)', (a, b, c) => a && (b || c)],
  ];
  for (const [condition, expected] of cases) {
    it(`'${condition}' binds not before and before or, for every combination of a, b, c`, () => {
      for (const on of subsets(['a', 'b', 'c'])) {
        expect(truth(condition, on), `${condition} with ${on.join(',') || 'none'}`).toBe(expected(on.includes('a'), on.includes('b'), on.includes('c')));
      }
    });
  }

  it('1 of sel* is any selection whose name matches; all of sel* is every one', () => {
    expect(truth('1 of sel*', ['sel_y'])).toBe(true);
    expect(truth('1 of sel*', ['a'])).toBe(false);
    expect(truth('all of sel*', ['sel_x'])).toBe(false);
    expect(truth('all of sel*', ['sel_x', 'sel_y'])).toBe(true);
    expect(truth('2 of them', ['a', 'c'])).toBe(true);
    expect(truth('2 of them', ['a'])).toBe(false);
  });

  it('them means every selection except those starting with an underscore', () => {
    expect(truth('1 of them', ['_helper'])).toBe(false);
    expect(truth('1 of them', ['b'])).toBe(true);
    expect(truth('all of them', ['a', 'b', 'c', 'sel_x', 'sel_y'])).toBe(true);
    expect(truth('all of them and _helper', ['a', 'b', 'c', 'sel_x', 'sel_y'])).toBe(false);
  });

  it('parses `of` as one operand: not 1 of sel* and a', () => {
    expect(parseCondition('not 1 of sel* and a', ['a', 'sel_x', 'sel_y'])).toEqual({
      type: 'and',
      items: [{ type: 'not', item: { type: 'of', quantifier: 1, names: ['sel_x', 'sel_y'] } }, { type: 'ref', name: 'a' }],
    });
  });

  it.each([
    ['a and missing', /references 'missing'/],
    ['a and', /expected a selection name.*ended/],
    ['(a or b', /expected '\)'/],
    ['a or b)', /expected `and`, `or` or the end/],
    ['a b', /expected `and`, `or` or the end.*'b'/],
    ['and a', /expected a selection name/],
    ['1 of nothing*', /'nothing\*' matches no selection/],
    ['0 of them', /meaningless/],
    ['sel*', /wildcards are only allowed after `of`/],
    ['a | count() > 5', /correlation rule/],
    ['a & b', /unexpected character '&'/],
    ['', /empty/],
  ])('refuses %j', (condition, message) => {
    expect(() => parseCondition(condition, ['a', 'b', 'sel_x'])).toThrow(message);
  });
});
