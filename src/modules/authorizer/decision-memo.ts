/**
 * @module authorizer/decision-memo — decisions remembered for exactly as long as they stay right.
 *
 * A decision is a function of three things: the facts generation (authz-cache.ts; any change to what
 * decisions read — a revocation, a new grant, a policy, a signature — starts a new one), the question,
 * and the time. It reads the time only at known instants: grant starts and ends, midnight UTC and
 * training expiry for readiness, and the literals (or the second) Cedar's policies compare
 * `context.now` with. While it decides, the authorizer narrows a time window with each of those
 * (core/time-window.ts); the same question in the same generation, asked while the clock is inside
 * that window, gets the same decision again, stamped with the moment it was asked. A new generation
 * has an empty memo, so nothing remembered outlives a change.
 *
 * What-if questions (`context.time`) are not remembered: they are rare and may be anywhere in time.
 */
import { within, type TimeWindow } from '../../core/time-window.ts';
import type { FactsGeneration } from './authz-cache.ts';
import type { PersonFacts } from './authz-facts.ts';
import { decisionJsonHead, RENDERED_HEAD, type AuthorizeInput, type Decision } from './authorizer-types.ts';

/** A remembered decision, with the person it is about (a deny is recorded against them). */
export interface Remembered {
  decision: Decision;
  person: PersonFacts | null;
  from: number;
  until: number;
}

/**
 * Past this many decisions a generation's memo starts afresh: a bound on memory (about 1.7 KB per
 * remembered decision measured with the benchmark's questions, so some 85 MB at most), not on correctness.
 */
const MAX_DECISIONS = 50_000;

const memos = new WeakMap<FactsGeneration, Map<string, Remembered>>();

/**
 * The key of a question: everything in it a decision reads, the time aside. Each part is prefixed
 * with its length, so no two questions share a key whatever characters their references contain.
 * Null for a what-if question.
 * @example questionKey({ principal: 'alice', action: 'read', resource: 'shop/web' }) // '5:alice|read|8:shop/web|3:api|'
 */
export function questionKey(input: AuthorizeInput): string | null {
  const c = input.context;
  if (c?.time !== undefined) return null;
  const gateway = c?.gateway ?? 'api';
  const ip = c?.sourceIp ?? '';
  return `${input.principal.length}:${input.principal}|${input.action}|${input.resource.length}:${input.resource}|${gateway.length}:${gateway}|${ip}`;
}

/**
 * The decision remembered for `key` in `gen` if `now` is inside its window, stamped `now`.
 * @example const hit = recall(gen, key, now);
 */
export function recall(gen: FactsGeneration, key: string, now: Date): { decision: Decision; person: PersonFacts | null } | null {
  const hit = memos.get(gen)?.get(key);
  if (!hit || !within(hit, now.getTime())) return null;
  return { decision: { ...hit.decision, evaluatedAt: now }, person: hit.person };
}

/**
 * Remember a decision made in `gen` for the moments of `window`. Its lists and parts are frozen:
 * every caller that gets it again shares them.
 * @example remember(gen, key, decision, person, window);
 */
export function remember(gen: FactsGeneration, key: string, decision: Decision, person: PersonFacts | null, window: TimeWindow): void {
  let memo = memos.get(gen);
  if (!memo) memos.set(gen, (memo = new Map()));
  if (memo.size >= MAX_DECISIONS) memo.clear();
  Object.freeze(decision.reasons);
  Object.freeze(decision.policyIds);
  Object.freeze(decision.missing);
  if (decision.principal) Object.freeze(decision.principal);
  if (decision.resource) Object.freeze(decision.resource);
  // The JSON is written once too; every copy handed out differs only in its time (authorizer-types.ts).
  const kept = Object.freeze({ ...decision, [RENDERED_HEAD]: decisionJsonHead(decision) });
  memo.set(key, { decision: kept, person, from: window.from, until: window.until });
}
