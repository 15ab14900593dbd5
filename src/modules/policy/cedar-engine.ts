/**
 * @module policy/cedar-engine — with cedar-slices.ts, the only code that talks to Cedar
 * (`@cedar-policy/cedar-wasm`): parse and validate a policy set against Palisade's schema, keep it
 * pre-parsed in the WASM module, and evaluate one question against it. Cedar's own messages are
 * passed through unchanged.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { CedarValueJson, DetailedError, EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { TimeWindow } from '../../core/time-window.ts';
import { askSlice, collectReads, emptyReads, narrowToSecond, narrowToSlice, scopeOf, sliceFor, trim, type PolicyReads, type PolicyScope, type Slice } from './cedar-slices.ts';

// With Cedar and PGlite (two WASM modules) in one process, V8 in Node 20 aborts the process
// ("unreachable code" in Deoptimizer::DoComputeBuiltinContinuation) when it lazily deoptimizes a
// function into which TurboFan inlined a JS→WASM call. Reproduced in a few seconds by alternating
// PGlite queries with Cedar evaluations; never with this flag off. Set before anything is optimized.
setFlagsFromString('--no-turbo-inline-js-wasm-calls');

const SCHEMA_NAME = 'palisade';

/** The Cedar schema (src/modules/policy/palisade.cedarschema). */
export const SCHEMA_TEXT = readFileSync(new URL('./palisade.cedarschema', import.meta.url), 'utf8');
/** The built-in policy set, in force until an admin replaces it. */
export const DEFAULT_POLICY_TEXT = readFileSync(new URL('./default-policies.cedar', import.meta.url), 'utf8');

let schemaLoaded = false;
function ensureSchema(): void {
  if (schemaLoaded) return;
  const answer = cedar.preparseSchema(SCHEMA_NAME, SCHEMA_TEXT);
  if (answer.type !== 'success') throw new Error(`the built-in Cedar schema does not parse: ${answer.errors.map((e) => e.message).join('; ')}`);
  schemaLoaded = true;
}

/** One message from Cedar about a policy set, located where possible. */
export interface PolicyProblem {
  /** The policy's id (its @id annotation, or policyN by position), null for whole-set errors. */
  policyId: string | null;
  /** 1-based line in the submitted text, when Cedar gave a location. */
  line: number | null;
  /** Cedar's own message. */
  message: string;
  /** Cedar's hint, if it gave one. */
  help: string | null;
}

/** A parsed, validated, pre-parsed policy set ready to answer requests. */
export interface CompiledPolicySet {
  text: string;
  sha256: string;
  /** Policy ids in the order they appear. */
  policyIds: string[];
  effects: ReadonlyMap<string, 'permit' | 'forbid'>;
  /** The @reason annotation of each policy that has one. */
  reasons: ReadonlyMap<string, string>;
  /** The @approvals annotation (1–10) of RequestAccess permits: how many approvals a request they match needs. */
  approvals: ReadonlyMap<string, number>;
  /** What the whole set can read; each policy's reads, text and scope make the slices (cedar-slices.ts). */
  reads: PolicyReads;
  readsOf: ReadonlyMap<string, PolicyReads>;
  texts: Readonly<Record<string, string>>;
  scopes: ReadonlyMap<string, PolicyScope>;
  /** Slice key → pre-parsed slice. */
  slices: Map<string, Slice>;
  /** Key of the whole pre-parsed set inside the WASM module. */
  handle: string;
  warnings: PolicyProblem[];
}

export type CheckResult =
  | {
      ok: true; policies: Record<string, string>; policyIds: string[]; effects: Map<string, 'permit' | 'forbid'>;
      reasons: Map<string, string>; approvals: Map<string, number>; reads: PolicyReads; readsOf: Map<string, PolicyReads>;
      scopes: Map<string, PolicyScope>; warnings: PolicyProblem[];
    }
  | { ok: false; errors: PolicyProblem[]; warnings: PolicyProblem[] };

/** SHA-256 of the policy text as lowercase hex, as recorded in `policy.replaced` events. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Line number (1-based) of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function problem(e: DetailedError, policyId: string | null, text: string, base: number | null): PolicyProblem {
  const start = e.sourceLocations?.[0]?.start;
  const label = e.sourceLocations?.[0]?.label;
  // A parse error's label says what Cedar expected there ("expected `}`"); keep it with the message.
  const message = label && !e.message.includes(label) ? `${e.message}: ${label}` : e.message;
  return { policyId, line: base !== null && start !== undefined ? lineAt(text, base + start) : null, message, help: e.help ?? null };
}

/**
 * Parse and validate `text` (strict mode, Palisade's schema). Policies are named by their
 * `@id("…")` annotation, or `policyN` by position; ids must be unique. Templates are refused:
 * Palisade stores one text, so every policy must be complete.
 * @example const r = checkPolicyText('permit (principal, action, resource);'); r.ok // true
 */
export function checkPolicyText(text: string): CheckResult {
  const parts = cedar.policySetTextToParts(text);
  if (parts.type !== 'success') return { ok: false, errors: parts.errors.map((e) => problem(e, null, text, 0)), warnings: [] };
  const errors: PolicyProblem[] = [];
  if (parts.policy_templates.length > 0) {
    errors.push({ policyId: null, line: null, message: `policy templates (policies with ?principal or ?resource slots) are not supported: write ${parts.policy_templates.length === 1 ? 'it' : 'them'} as static policies`, help: null });
  }
  if (parts.policies.length === 0) {
    errors.push({ policyId: null, line: null, message: 'the policy set has no policies: nothing would ever be allowed; send at least one policy', help: null });
  }
  const policies: Record<string, string> = {};
  const offsets = new Map<string, number | null>();
  const effects = new Map<string, 'permit' | 'forbid'>();
  const reasons = new Map<string, string>();
  const approvals = new Map<string, number>();
  const reads = emptyReads();
  const readsOf = new Map<string, PolicyReads>();
  const scopes = new Map<string, PolicyScope>();
  let searchFrom = 0;
  parts.policies.forEach((policy, i) => {
    const json = cedar.policyToJson(policy);
    if (json.type !== 'success') {
      errors.push(...json.errors.map((e) => problem(e, null, text, null)));
      return;
    }
    const id = json.json.annotations?.id ?? `policy${i}`;
    // Cedar hands back each policy's own text; finding it in the submission gives line numbers.
    const at = text.indexOf(policy, searchFrom);
    if (at >= 0) searchFrom = at + policy.length;
    if (Object.hasOwn(policies, id)) {
      errors.push({ policyId: id, line: at >= 0 ? lineAt(text, at) : null, message: `two policies have the id "${id}": ids must be unique`, help: null });
      return;
    }
    policies[id] = policy;
    offsets.set(id, at >= 0 ? at : null);
    effects.set(id, json.json.effect);
    const reason = json.json.annotations?.reason;
    if (reason) reasons.set(id, reason);
    const own = emptyReads();
    collectReads(json.json.conditions, own);
    collectReads(json.json.conditions, reads);
    readsOf.set(id, own);
    scopes.set(id, scopeOf(json.json));
    const wanted = json.json.annotations?.approvals;
    if (wanted !== undefined) {
      if (!/^([1-9]|10)$/.test(wanted)) {
        errors.push({ policyId: id, line: at >= 0 ? lineAt(text, at) : null, message: `@approvals("${wanted}") must be a whole number from 1 to 10`, help: null });
      } else approvals.set(id, Number(wanted));
    }
  });
  if (errors.length > 0) return { ok: false, errors, warnings: [] };

  const answer = cedar.validate({ schema: SCHEMA_TEXT, policies: { staticPolicies: policies }, validationSettings: { mode: 'strict' } });
  if (answer.type !== 'success') return { ok: false, errors: answer.errors.map((e) => problem(e, null, text, null)), warnings: [] };
  const located = (v: { policyId: string; error: DetailedError }) => problem(v.error, v.policyId, text, offsets.get(v.policyId) ?? null);
  const warnings = [...answer.validationWarnings.map(located), ...answer.otherWarnings.map((e) => problem(e, null, text, null))];
  if (answer.validationErrors.length > 0) return { ok: false, errors: answer.validationErrors.map(located), warnings };
  return { ok: true, policies, policyIds: Object.keys(policies), effects, reasons, approvals, reads, readsOf, scopes, warnings };
}

let compiledCount = 0;

/**
 * Check `text` and pre-parse it inside the WASM module for fast evaluation. Returns the problems
 * instead when the text is not a valid policy set.
 * @example const set = compilePolicySet(DEFAULT_POLICY_TEXT); if ('errors' in set) throw …
 */
export function compilePolicySet(text: string): CompiledPolicySet | { errors: PolicyProblem[]; warnings: PolicyProblem[] } {
  ensureSchema();
  const checked = checkPolicyText(text);
  if (!checked.ok) return { errors: checked.errors, warnings: checked.warnings };
  const handle = `set-${++compiledCount}`;
  const parsed = cedar.preparsePolicySet(handle, { staticPolicies: checked.policies });
  if (parsed.type !== 'success') return { errors: parsed.errors.map((e) => problem(e, null, text, null)), warnings: checked.warnings };
  return {
    text, sha256: sha256Hex(text), policyIds: checked.policyIds, effects: checked.effects, reasons: checked.reasons,
    approvals: checked.approvals, reads: checked.reads, readsOf: checked.readsOf, texts: checked.policies, scopes: checked.scopes,
    slices: new Map(), handle, warnings: checked.warnings,
  };
}

/** One question to Cedar, in Cedar's JSON shapes (built by policy-entities.ts). */
export interface CedarQuestion {
  principal: { type: string; id: string };
  action: { type: string; id: string };
  resource: { type: string; id: string };
  context: Record<string, CedarValueJson>;
  entities: EntityJson[];
}

export interface CedarAnswer {
  decision: 'allow' | 'deny';
  /** The policies that decided: the matching permits on allow, the matching forbids on deny. */
  determining: string[];
  /** Policies that failed to evaluate (they are skipped, as Cedar does), with Cedar's message. */
  errors: { policyId: string; message: string }[];
}

/**
 * Evaluate one question against a compiled set: against its slice, trimmed, remembered (see
 * cedar-slices.ts). `validate`: against the whole set with the whole question, checked against the
 * schema, never remembered — for tests. `window` (around the moment the question's `context.now` was
 * taken from) is narrowed to the moments at which the answer would be the same.
 * @example evaluate(set, question).decision // 'deny'
 */
export function evaluate(set: CompiledPolicySet, q: CedarQuestion, opts: { validate?: boolean; window?: TimeWindow } = {}): CedarAnswer {
  ensureSchema();
  if (opts.validate) {
    if (opts.window) narrowToSecond(opts.window);
    const answer = cedar.statefulIsAuthorized({ ...q, preparsedPolicySetId: set.handle, preparsedSchemaName: SCHEMA_NAME, validateRequest: true });
    if (answer.type !== 'success') throw new Error(`Cedar could not evaluate the request: ${answer.errors.map((e) => e.message).join('; ')}`);
    return { decision: answer.response.decision, determining: answer.response.diagnostics.reason, errors: answer.response.diagnostics.errors.map((e) => ({ policyId: e.policyId, message: e.error.message })) };
  }
  const slice = sliceFor(set, q.action.id, q.principal.id, q.resource.id);
  if (opts.window) narrowToSlice(slice, opts.window);
  return askSlice(slice, trim(q, slice.reads));
}
