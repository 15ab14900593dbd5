/** @module detection/sigma/modifiers — one selection entry (`field|mod|mod: values`) compiled to a test on an event. */
import { cidrContains, parseCidr, parseIp } from './cidr.ts';
import { type EventView, type FieldRef, fieldRef } from './event-view.ts';
import { REGEX_INPUT_CAP, assertSafeRegex } from './regex-safety.ts';
import type { FieldCondition } from './types.ts';
import { compileWildcard, escapeWildcards, parseWildcards } from './wildcard.ts';

/** A compiled entry: true when the event satisfies it. */
export type FieldTest = (view: EventView) => boolean;

/** Thrown when an entry is invalid; the loader adds file and line. */
export class ModifierError extends Error {}

const TRANSFORMS = new Set(['windash', 'base64', 'base64offset']);
const POSITIONS = new Set(['contains', 'startswith', 'endswith']);
const COMPARISONS = new Set(['gt', 'gte', 'lt', 'lte']);
const RE_FLAGS = new Set(['i', 'm', 's']);
/** Every modifier this engine knows; anything else is refused by name. */
export const SUPPORTED_MODIFIERS = ['contains', 'startswith', 'endswith', 'all', 'cased', 'windash', 'base64', 'base64offset', 're', 'i', 'm', 's', 'cidr', 'exists', 'gt', 'gte', 'lt', 'lte', 'fieldref'] as const;
const KNOWN = new Set<string>(SUPPORTED_MODIFIERS);
/** Sigma modifiers this engine deliberately does not run, with the reason given to the rule author. */
const UNSUPPORTED: Record<string, string> = {
  expand: "'expand' needs placeholder values, which Palisade does not define",
  wide: "'wide' (UTF-16 before base64) is not supported",
  utf16: "'utf16' is not supported",
  utf16le: "'utf16le' is not supported",
  utf16be: "'utf16be' is not supported",
};

type ValueTest = (v: unknown) => boolean;

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a map' : typeof v);

function scalarText(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new ModifierError(`${what} values must be strings or numbers, not ${describe(v)}`);
}

/** Sigma's `windash`: a `-` or `/` starting a word may be any of - / – — ― . */
function windashVariants(value: string): string[] {
  return ['-', '/', '\u2013', '\u2014', '\u2015'].map((d) => value.replace(/(^|\s)[-/]/g, `$1${d}`));
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** Sigma's `base64offset`: the three encodings of the value at each byte offset, without the unstable edges. */
function base64OffsetVariants(value: string): string[] {
  const len = Buffer.byteLength(value);
  return [0, 1, 2].map((i) => {
    const enc = b64(' '.repeat(i) + value);
    const start = [0, 2, 3][i]!;
    const cut = [0, 3, 2][(len + i) % 3]!;
    return enc.slice(start, enc.length - cut);
  });
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

/** Strips PCRE's leading inline flags (`(?i)`, `(?si)`), which JavaScript lacks, turning them into RegExp flags. */
function inlineFlags(pattern: string): { pattern: string; flags: string } {
  const m = /^\(\?([ims]+)\)/.exec(pattern);
  return m ? { pattern: pattern.slice(m[0].length), flags: m[1]! } : { pattern, flags: '' };
}

/** Applies a test to a value, or to any item of a list value. */
function anyItem(test: ValueTest): ValueTest {
  return (v) => (Array.isArray(v) ? v.some((x) => test(x)) : test(v));
}

/**
 * Compiles one entry; throws ModifierError with the reason when the modifiers or the values are invalid.
 * @example compileFieldCondition({ field: 'action', modifiers: ['startswith'], values: ['repo.'] })
 */
export function compileFieldCondition(fc: FieldCondition): FieldTest {
  const mods = fc.modifiers;
  for (const m of mods) {
    if (UNSUPPORTED[m]) throw new ModifierError(UNSUPPORTED[m]);
    if (!KNOWN.has(m)) throw new ModifierError(`unknown modifier '${m}'`);
  }
  const dup = mods.find((m, i) => mods.indexOf(m) !== i);
  if (dup) throw new ModifierError(`modifier '${dup}' is given twice`);
  const has = (m: string) => mods.includes(m);
  const all = has('all');
  const values = fc.values;
  if (values.length === 0) throw new ModifierError('an empty list of values matches nothing');
  const reFlags = mods.filter((m) => RE_FLAGS.has(m));
  if (reFlags.length > 0 && !has('re')) throw new ModifierError(`modifier '${reFlags[0]}' only applies after 're'`);
  const exclusive = (group: string, allowed: Set<string>) => {
    const other = mods.find((m) => !allowed.has(m));
    if (other) throw new ModifierError(`'${group}' cannot be combined with '${other}'`);
  };
  const combine = (tests: ValueTest[]): ValueTest =>
    tests.length === 1 ? tests[0]! : all ? (v) => tests.every((t) => t(v)) : (v) => tests.some((t) => t(v));

  if (fc.field === null) return compileKeywords(fc, all, reFlags);
  const ref = fieldRef(fc.field);

  if (has('exists')) {
    exclusive('exists', new Set(['exists']));
    const want = values[0];
    if (values.length !== 1 || typeof want !== 'boolean') throw new ModifierError("'exists' takes true or false");
    return (view) => {
      const v = view.value(ref);
      return (v !== undefined && v !== null) === want;
    };
  }

  if (values.some((v) => v === null)) {
    if (mods.length > 0) throw new ModifierError('null (the field is absent) cannot be combined with modifiers');
    const rest = values.filter((v) => v !== null);
    const other = rest.length > 0 ? compileFieldCondition({ ...fc, values: rest }) : () => false;
    return (view) => {
      const v = view.value(ref);
      return v === undefined || v === null || other(view);
    };
  }

  const comparison = mods.find((m) => COMPARISONS.has(m));
  if (comparison) {
    exclusive(comparison, new Set([comparison, 'all']));
    const tests = values.map((x): ValueTest => {
      if (typeof x !== 'number') throw new ModifierError(`'${comparison}' needs a number, not ${describe(x)}`);
      switch (comparison) {
        case 'gt': return (v) => toNumber(v) > x;
        case 'gte': return (v) => toNumber(v) >= x;
        case 'lt': return (v) => toNumber(v) < x;
        default: return (v) => toNumber(v) <= x;
      }
    });
    return fieldTest(ref, combine(tests.map(anyItem)));
  }

  if (has('cidr')) {
    exclusive('cidr', new Set(['cidr', 'all']));
    const ranges = values.map((x) => {
      if (typeof x !== 'string') throw new ModifierError(`'cidr' needs a string such as 10.0.0.0/8, not ${describe(x)}`);
      try {
        return parseCidr(x);
      } catch (e) {
        throw new ModifierError((e as Error).message);
      }
    });
    const inside = (ip: number[] | null): boolean =>
      ip !== null && (all ? ranges.every((r) => cidrContains(r, ip)) : ranges.some((r) => cidrContains(r, ip)));
    return (view) => {
      const v = view.value(ref);
      if (typeof v === 'string') return inside(view.ip(ref, v));
      return Array.isArray(v) && v.some((x) => typeof x === 'string' && inside(parseIp(x)));
    };
  }

  if (has('re')) {
    exclusive('re', new Set(['re', 'all', ...RE_FLAGS]));
    return fieldTest(ref, combine(values.map((x) => anyItem(regexTest(x, reFlags)))));
  }

  if (has('fieldref')) {
    exclusive('fieldref', new Set(['fieldref', 'cased', 'all']));
    const cased = has('cased');
    const others = values.map((x) => {
      if (typeof x !== 'string') throw new ModifierError(`'fieldref' needs a field name, not ${describe(x)}`);
      return fieldRef(x);
    });
    const norm = (v: unknown): string | null =>
      v === undefined || v === null || typeof v === 'object' ? null : cased ? String(v) : String(v).toLowerCase();
    return (view) => {
      const mine = norm(view.value(ref));
      if (mine === null) return false;
      const same = (o: FieldRef) => norm(view.value(o)) === mine;
      return all ? others.every(same) : others.some(same);
    };
  }

  const cased = has('cased');
  const set = literalSet(values, mods, cased);
  if (set) {
    // Plain values without wildcards: one hash lookup instead of one comparison per value.
    return (view) => {
      const v = view.value(ref);
      if (typeof v === 'string') return set.has(cased ? v : view.lower(ref, v));
      if (typeof v === 'number' || typeof v === 'boolean') return set.has(String(v));
      return Array.isArray(v) && v.some((x) => (typeof x === 'string' ? set.has(cased ? x : x.toLowerCase()) : (typeof x === 'number' || typeof x === 'boolean') && set.has(String(x))));
    };
  }
  const tests = values.map((x) => {
    const alternatives = patternsFor(scalarText(x, 'string'), mods).map((p) => compileWildcard(p, !cased));
    const one = alternatives.length === 1 ? alternatives[0]! : (s: string) => alternatives.some((a) => a(s));
    return one;
  });
  const matchString = tests.length === 1 ? tests[0]! : all ? (s: string) => tests.every((t) => t(s)) : (s: string) => tests.some((t) => t(s));
  const textOf = (v: unknown): string | null =>
    typeof v === 'string' ? (cased ? v : v.toLowerCase()) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
  return (view) => {
    const v = view.value(ref);
    if (typeof v === 'string') return matchString(cased ? v : view.lower(ref, v));
    if (Array.isArray(v)) {
      if (!all) return v.some((x) => { const s = textOf(x); return s !== null && matchString(s); });
      // all: every value must be found in some item.
      return tests.every((t) => v.some((x) => { const s = textOf(x); return s !== null && t(s); }));
    }
    const s = textOf(v);
    return s !== null && matchString(s);
  };
}

/** The values as a set of exact strings, when they are plain (no modifier but `cased`, no wildcard) and more than one. */
function literalSet(values: unknown[], mods: string[], cased: boolean): Set<string> | null {
  if (values.length < 2 || mods.some((m) => m !== 'cased')) return null;
  const out = new Set<string>();
  for (const x of values) {
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') return null;
    const parts = parseWildcards(cased ? String(x) : String(x).toLowerCase());
    if (!parts.every((p) => typeof p === 'string')) return null;
    out.add((parts as string[]).join(''));
  }
  return out;
}

function fieldTest(ref: FieldRef, test: ValueTest): FieldTest {
  return (view) => {
    const v = view.value(ref);
    return v !== undefined && v !== null && test(v);
  };
}

/** The wildcard patterns one value stands for after transforms and position modifiers. */
function patternsFor(value: string, mods: string[]): string[] {
  const positions = mods.filter((m) => POSITIONS.has(m));
  if (positions.length > 1) throw new ModifierError(`'${positions[0]}' cannot be combined with '${positions[1]}'`);
  const transforms = mods.filter((m) => TRANSFORMS.has(m));
  if (transforms.includes('base64') && transforms.includes('base64offset')) throw new ModifierError("'base64' cannot be combined with 'base64offset'");
  let patterns = [value];
  if (transforms.includes('windash')) patterns = patterns.flatMap(windashVariants);
  if (transforms.includes('base64')) patterns = patterns.map((p) => escapeWildcards(b64(p)));
  if (transforms.includes('base64offset')) patterns = patterns.flatMap((p) => base64OffsetVariants(p).map(escapeWildcards));
  const position = positions[0];
  return patterns.map((p) => (position === 'contains' ? `*${p}*` : position === 'startswith' ? `${p}*` : position === 'endswith' ? `*${p}` : p));
}

function regexTest(x: unknown, reFlags: string[]): ValueTest {
  if (typeof x !== 'string') throw new ModifierError(`'re' needs a string, not ${describe(x)}`);
  const { pattern, flags } = inlineFlags(x);
  const allFlags = [...new Set([...flags, ...reFlags])].join('');
  try {
    assertSafeRegex(pattern, allFlags);
  } catch (e) {
    throw new ModifierError(`regular expression '${x}' refused: ${(e as Error).message}`);
  }
  const re = new RegExp(pattern, allFlags);
  return (v) => {
    const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
    return s !== null && re.test(s.length > REGEX_INPUT_CAP ? s.slice(0, REGEX_INPUT_CAP) : s);
  };
}

/** Keywords (no field): each value is searched, as a substring, in every string of the event. */
function compileKeywords(fc: FieldCondition, all: boolean, reFlags: string[]): FieldTest {
  const allowed = new Set(['all', 'cased', 'windash', 'base64', 'base64offset', 're', ...RE_FLAGS]);
  const bad = fc.modifiers.find((m) => !allowed.has(m));
  if (bad) throw new ModifierError(`'${bad}' needs a field name; keyword searches take only all, cased, re, windash, base64, base64offset`);
  if (fc.values.some((v) => v === null)) throw new ModifierError('a keyword cannot be null');
  const cased = fc.modifiers.includes('cased');
  let tests: ((s: string) => boolean)[];
  if (fc.modifiers.includes('re')) {
    tests = fc.values.map((x) => regexTest(x, reFlags) as (s: string) => boolean);
  } else {
    const mods = [...fc.modifiers.filter((m) => TRANSFORMS.has(m)), 'contains'];
    tests = fc.values.map((x) => {
      const alts = patternsFor(scalarText(x, 'keyword'), mods).map((p) => compileWildcard(p, !cased));
      return (s: string) => alts.some((a) => a(s));
    });
  }
  return (view) => {
    const strings = view.allStrings(!cased);
    const found = (t: (s: string) => boolean) => strings.some(t);
    return all ? tests.every(found) : tests.some(found);
  };
}
