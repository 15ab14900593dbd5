/**
 * @module policy/cedar-slices — what a question costs in Cedar, made small. Cedar evaluates every
 * policy it is given, and handing a question across into WASM costs time per attribute. So each
 * question is answered by a *slice*: only the policies whose scope can match it (their action,
 * principal and resource), asked only the attributes those policies read, and a slice remembers its
 * answers. All three are exact:
 *
 * - a policy whose scope names another action, principal or resource can neither match nor fail;
 * - an attribute whose name no policy of the slice reads cannot change its answer (entities compare
 *   by id; a nested context record is passed whole, the whole context when a policy uses `context`
 *   as a value);
 * - Cedar is a pure function of the slice and the trimmed question, so an answer is reused only for
 *   the very same trimmed question. Time is part of it only when a policy reads `context.now`, and
 *   then only as far as the policies can tell times apart: when every use of `context.now` compares
 *   it with a literal (`context.now >= 1900000000`), two moments on the same side of every such
 *   literal get the same answer, so the remembered answer is keyed by that interval. Any other use
 *   (against an attribute, in arithmetic, the context as a value) keys by the exact second.
 *
 * A trim that were wrong could only make a policy fail to evaluate, which the authorizer treats as deny.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { CedarValueJson, EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { changeAt, type TimeWindow } from '../../core/time-window.ts';
import type { CedarAnswer, CedarQuestion, CompiledPolicySet } from './cedar-engine.ts';

/** What policies can read of a question. */
export interface PolicyReads {
  /** Every attribute name read with `.name` or tested with `has name`, on anything. */
  attributes: Set<string>;
  /** Tags (resource labels) are read with hasTag/getTag. */
  tags: boolean;
  /** `context` is used as a value, not only through its attributes: nothing is trimmed from it. */
  wholeContext: boolean;
  /** The literals `context.now` is compared with (`<`, `<=`, `>`, `>=`, `==`, `!=`). */
  nowCuts: Set<number>;
  /** `context.now` is used some other way: answers depend on the exact second. */
  nowExact: boolean;
}

/**
 * Which questions a policy can match at all, from its scope: the actions it names (null: any), the
 * one principal and the one resource it names (null: any). Palisade's entities have no parents, so
 * `principal in X` means `principal == X`, and `action in [A, B]` means one of A, B.
 */
export interface PolicyScope {
  actions: string[] | null;
  principal: string | null;
  resource: string | null;
}

export const emptyReads = (): PolicyReads => ({ attributes: new Set(), tags: false, wholeContext: false, nowCuts: new Set(), nowExact: false });

const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);

/** `context.now` in Cedar's JSON form. */
function isContextNow(node: unknown): boolean {
  if (node === null || typeof node !== 'object' || !('.' in node)) return false;
  const dot = (node as { '.': { left?: { Var?: unknown }; attr?: unknown } })['.'];
  return dot.attr === 'now' && dot.left?.Var === 'context';
}

/** The integer of a literal `{ "Value": n }`, else null. */
function integerLiteral(node: unknown): number | null {
  if (node === null || typeof node !== 'object' || !('Value' in node)) return null;
  const v = (node as { Value: unknown }).Value;
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
}

/**
 * Add what one policy's conditions read (Cedar's JSON form of the policy) to `reads`.
 * @example const reads = emptyReads(); collectReads(policyJson.conditions, reads);
 */
export function collectReads(node: unknown, reads: PolicyReads, parent: string | null = null): void {
  if (Array.isArray(node)) {
    for (const n of node) collectReads(n, reads, parent);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'hasTag' || key === 'getTag') reads.tags = true;
    if (key === 'Var' && value === 'context' && parent !== '.' && parent !== 'has') reads.wholeContext = true;
    if (key === 'Var' || key === 'Value') continue;
    if (COMPARISONS.has(key) && value && typeof value === 'object') {
      const { left, right } = value as { left?: unknown; right?: unknown };
      const cut = isContextNow(left) ? integerLiteral(right) : isContextNow(right) ? integerLiteral(left) : null;
      if (cut !== null) {
        reads.attributes.add('now');
        reads.nowCuts.add(cut);
        continue;
      }
    }
    if ((key === '.' || key === 'has') && value && typeof value === 'object') {
      const { left, attr, ...rest } = value as { left?: unknown; attr?: string | string[] };
      for (const a of Array.isArray(attr) ? attr : attr !== undefined ? [attr] : []) reads.attributes.add(a);
      // Reached only for uses other than a comparison with a literal (those are taken above).
      if (key === '.' && isContextNow(node)) reads.nowExact = true;
      // `left` is the thing whose attribute is read: `context.x` does not use the context as a value.
      collectReads(left, reads, key);
      collectReads(rest, reads, null);
      continue;
    }
    collectReads(value, reads, null);
  }
}

type ScopeConstraint = { op: string; entity?: EntityRef; entities?: EntityRef[] };
type EntityRef = { id?: string; __entity?: { id: string } };
const idOf = (e: EntityRef | undefined) => e?.id ?? e?.__entity?.id ?? null;

/** @example scopeOf(policyJson) // { actions: ['read'], principal: null, resource: 'orders/db' } */
export function scopeOf(p: { principal: unknown; action: unknown; resource: unknown }): PolicyScope {
  const one = (c: ScopeConstraint) => ((c.op === '==' || c.op === 'in') && c.entity ? idOf(c.entity) : null);
  const a = p.action as ScopeConstraint;
  const actions = a.op === '==' && a.entity ? [idOf(a.entity)!]
    : a.op === 'in' ? (a.entities ?? (a.entity ? [a.entity] : [])).map((e) => idOf(e)!)
    : null;
  return { actions, principal: one(p.principal as ScopeConstraint), resource: one(p.resource as ScopeConstraint) };
}

/** One pre-parsed slice of a compiled set. */
export interface Slice {
  handle: string;
  reads: PolicyReads;
  /** Trimmed question (JSON, `context.now` as its interval when `nowCuts`) → Cedar's answer. */
  answers: Map<string, CedarAnswer>;
  /**
   * Sorted literals every use of `context.now` in the slice is compared with, or null when answers
   * depend on the exact second (or the slice does not read the time at all).
   */
  nowCuts: number[] | null;
}

/** Bounds on memory (not on correctness): past these, slices and remembered answers start afresh. */
const MAX_SLICES = 5000;
const MAX_ANSWERS = 20_000;

function applies(s: PolicyScope, action: string, principal: string, resource: string): boolean {
  return (s.actions === null || s.actions.includes(action)) && (s.principal === null || s.principal === principal) && (s.resource === null || s.resource === resource);
}

/**
 * The slice of `set` for one question (built and pre-parsed on first use). Questions with the same
 * action share a slice unless a policy naming their principal or resource applies.
 * @example const slice = sliceFor(set, 'read', 'alice', 'shop/web');
 */
export function sliceFor(set: CompiledPolicySet, action: string, principal: string, resource: string): Slice {
  let key = action;
  for (const id of set.policyIds) {
    const s = set.scopes.get(id)!;
    if ((s.principal !== null || s.resource !== null) && applies(s, action, principal, resource)) key += `|${id}`;
  }
  const known = set.slices.get(key);
  if (known) return known;
  const policies: Record<string, string> = {};
  const reads = emptyReads();
  for (const id of set.policyIds) {
    if (!applies(set.scopes.get(id)!, action, principal, resource)) continue;
    policies[id] = set.texts[id]!;
    const r = set.readsOf.get(id)!;
    for (const a of r.attributes) reads.attributes.add(a);
    reads.tags ||= r.tags;
    reads.wholeContext ||= r.wholeContext;
    for (const c of r.nowCuts) reads.nowCuts.add(c);
    reads.nowExact ||= r.nowExact;
  }
  if (set.slices.size >= MAX_SLICES) set.slices.clear();
  const handle = `${set.handle}/${set.slices.size}`;
  const parsed = cedar.preparsePolicySet(handle, { staticPolicies: policies });
  if (parsed.type !== 'success') throw new Error(`a slice of a valid policy set did not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const byInterval = reads.attributes.has('now') && !reads.nowExact && !reads.wholeContext;
  const nowCuts = byInterval ? [...reads.nowCuts].sort((a, b) => a - b) : null;
  const slice: Slice = { handle, reads, answers: new Map(), nowCuts };
  set.slices.set(key, slice);
  return slice;
}

/**
 * The question with only what `reads` names. Plain loops on purpose (no callbacks into builtins)
 * in this hot path.
 */
export function trim(q: CedarQuestion, reads: PolicyReads): CedarQuestion {
  const keep = (attrs: Record<string, CedarValueJson>) => {
    const out: Record<string, CedarValueJson> = {};
    for (const k in attrs) if (reads.attributes.has(k)) out[k] = attrs[k]!;
    return out;
  };
  const entities: EntityJson[] = [];
  for (const e of q.entities) {
    const trimmed: EntityJson = { uid: e.uid, attrs: keep(e.attrs), parents: e.parents };
    if (reads.tags && e.tags) trimmed.tags = e.tags;
    entities.push(trimmed);
  }
  return { principal: q.principal, action: q.action, resource: q.resource, context: reads.wholeContext ? q.context : keep(q.context), entities };
}

/**
 * Which interval between the sorted `cuts` the moment `now` falls in: `<n` when n cuts lie below it,
 * `=n` when it equals the next one. Every comparison of `now` with a cut has the same outcome for two
 * moments with the same interval.
 * @example nowInterval([10, 20], 15) // '<1'; nowInterval([10, 20], 20) // '=1'
 */
export function nowInterval(cuts: readonly number[], now: number): string {
  const lo = cutsBelow(cuts, now);
  return cuts[lo] === now ? `=${lo}` : `<${lo}`;
}

/** How many of the sorted `cuts` lie below `now` (a binary search). */
function cutsBelow(cuts: readonly number[], now: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid]! < now) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Narrow `w` to the moments at which the slice gives the same answer to a question asked at `w.at`
 * (the question's `context.now` being that moment in whole seconds): the same interval between its
 * cuts, the same second when the answer depends on the exact second, any time when the slice does
 * not read the time.
 * @example narrowToSlice(slice, w)
 */
export function narrowToSlice(slice: Slice, w: TimeWindow): void {
  if (!slice.reads.attributes.has('now') && !slice.reads.wholeContext) return;
  const second = Math.floor(w.at / 1000);
  const cuts = slice.nowCuts;
  if (cuts) {
    const lo = cutsBelow(cuts, second);
    if (cuts[lo] !== second) {
      // Strictly between two cuts: from the second after the one below to the one above.
      if (lo > 0) changeAt(w, (cuts[lo - 1]! + 1) * 1000);
      if (lo < cuts.length) changeAt(w, cuts[lo]! * 1000);
      return;
    }
  }
  narrowToSecond(w);
}

/**
 * Narrow `w` to the second of `w.at`: for answers that depend on the exact second.
 * @example narrowToSecond(w)
 */
export function narrowToSecond(w: TimeWindow): void {
  const second = Math.floor(w.at / 1000);
  changeAt(w, second * 1000);
  changeAt(w, (second + 1) * 1000);
}

/**
 * Cedar's answer for the question from this slice, remembered per trimmed question.
 * @example const answer = askSlice(slice, trim(question, slice.reads));
 */
export function askSlice(slice: Slice, trimmed: CedarQuestion): CedarAnswer {
  const now = trimmed.context.now;
  const key = slice.nowCuts && typeof now === 'number'
    ? JSON.stringify({ ...trimmed, context: { ...trimmed.context, now: nowInterval(slice.nowCuts, now) } })
    : JSON.stringify(trimmed);
  const known = slice.answers.get(key);
  if (known) return { decision: known.decision, determining: [...known.determining], errors: [...known.errors] };
  const answer = cedar.statefulIsAuthorized({ ...trimmed, preparsedPolicySetId: slice.handle });
  if (answer.type !== 'success') {
    let why = '';
    for (const e of answer.errors) why += (why ? '; ' : '') + e.message;
    throw new Error(`Cedar could not evaluate the request: ${why}`);
  }
  const { decision, diagnostics } = answer.response;
  const errors: CedarAnswer['errors'] = [];
  for (const e of diagnostics.errors) errors.push({ policyId: e.policyId, message: e.error.message });
  const result: CedarAnswer = { decision, determining: diagnostics.reason, errors };
  if (slice.answers.size >= MAX_ANSWERS) slice.answers.clear();
  slice.answers.set(key, result);
  return { decision, determining: [...result.determining], errors: [...errors] };
}
