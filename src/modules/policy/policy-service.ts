/**
 * @module policy/policy-service — the Cedar policy set in force: read it, validate a candidate, replace
 * it (a new version; the old ones stay readable), and hand the compiled set to the authorizer and the
 * request policy. An invalid set is refused with Cedar's messages and the previous one stays in force.
 */
import type { Clock } from '../../core/clock.ts';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../core/pagination.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { checkPolicyText, compilePolicySet, DEFAULT_POLICY_TEXT, SCHEMA_TEXT, sha256Hex, type CompiledPolicySet, type PolicyProblem } from './cedar-engine.ts';
import * as store from './policy-store.ts';
import type { PolicyHistoryQuery, PolicySetView, PolicyVersion, ReplacePolicyInput, ValidationResult } from './policy-types.ts';

/** Serializes replacements across servers, so versions never collide. */
const REPLACE_LOCK_KEY = 7_301_005;

/** The set in force as the evaluators use it. `set` is null when the stored text no longer compiles. */
export interface PolicySetInForce {
  version: number;
  sha256: string;
  set: CompiledPolicySet | null;
  problems: PolicyProblem[];
}

export interface PolicyService {
  active(actor: AnyActor): Promise<PolicySetView>;
  version(actor: AnyActor, version: number): Promise<PolicySetView>;
  /** Versions newest first (the built-in default, version 0, last). */
  history(actor: AnyActor, query: PolicyHistoryQuery): Promise<Page<PolicyVersion>>;
  validate(actor: AnyActor, text: string): Promise<ValidationResult>;
  /** Put a new set in force; ValidationError with Cedar's messages when it is invalid. */
  replace(actor: AnyActor, input: ReplacePolicyInput): Promise<PolicySetView & { warnings: PolicyProblem[] }>;
  schema(actor: AnyActor): { format: 'cedarschema'; text: string };
  /**
   * In process, no permission check: the set in force, read on `q` (default: the database).
   * Cheap when nothing changed: one small query, and no query at all on the embedded database,
   * where this process is the only writer (see `inForceNow`).
   */
  inForce(q?: Queryable): Promise<PolicySetInForce>;
}

const toProblemErrors = (problems: PolicyProblem[]) =>
  problems.map((p) => ({
    path: p.policyId ? `text.${p.policyId}` : 'text',
    message: `${p.line !== null ? `line ${p.line}: ` : ''}${p.message}${p.help ? ` (${p.help})` : ''}`,
  }));

/** @example const policies = createPolicyService({ db, clock, audit }); await policies.inForce(); */
export function createPolicyService(deps: { db: Database; clock: Clock; audit: AuditService }): PolicyService {
  const { db, clock, audit } = deps;
  const compiled = new Map<string, CompiledPolicySet | { errors: PolicyProblem[] }>();
  let current: PolicySetInForce | null = null;

  const compileCached = (text: string) => {
    const sha = sha256Hex(text);
    let c = compiled.get(sha);
    if (!c) {
      c = compilePolicySet(text);
      compiled.set(sha, c);
    }
    return c;
  };

  const remember = (version: number, text: string): PolicySetInForce => {
    const c = compileCached(text);
    current = 'errors' in c
      ? { version, sha256: sha256Hex(text), set: null, problems: c.errors }
      : { version, sha256: c.sha256, set: c, problems: [] };
    return current;
  };

  const refresh = async (q: Queryable): Promise<PolicySetInForce> => {
    const version = await store.activeVersion(q);
    if (current && current.version === version) return current;
    if (version === 0) return remember(0, DEFAULT_POLICY_TEXT);
    const row = await store.findVersion(q, version);
    return remember(version, row!.text);
  };

  // The embedded database is one process (the data folder is locked), so after the first load the
  // memory is the truth: replace() below updates it. Loading now, before any transaction can start,
  // also means a caller inside a PGlite transaction (which holds the only connection) never waits on it.
  const firstLoad = db.dialect === 'pglite' ? refresh(db).catch(() => null) : null;

  const view = (row: store.PolicySetRow | null, activeVersion: number): PolicySetView => {
    if (!row) {
      return {
        version: 0, builtIn: true, active: activeVersion === 0, text: DEFAULT_POLICY_TEXT, sha256: sha256Hex(DEFAULT_POLICY_TEXT),
        policyIds: (compileCached(DEFAULT_POLICY_TEXT) as CompiledPolicySet).policyIds, comment: 'the built-in default policy set', createdAt: null, createdBy: null,
      };
    }
    return {
      version: row.version, builtIn: false, active: row.version === activeVersion, text: row.text, sha256: row.sha256, policyIds: row.policyIds,
      comment: row.comment, createdAt: row.createdAt, createdBy: row.createdBy && row.createdByHandle ? { id: row.createdBy, handle: row.createdByHandle } : null,
    };
  };

  return {
    async active(actor) {
      assertPermitted(actor, 'policies.read');
      const row = await store.findActiveSet(db);
      return view(row, row?.version ?? 0);
    },

    async version(actor, version) {
      assertPermitted(actor, 'policies.read');
      const active = await store.activeVersion(db);
      if (version === 0) return view(null, active);
      const row = await store.findVersion(db, version);
      if (!row) throw new NotFoundError(`policy set version ${version} not found`);
      return view(row, active);
    },

    async history(actor, query) {
      assertPermitted(actor, 'policies.read');
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (after !== null && (typeof after !== 'number' || after < 0)) throw new ValidationError('invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
      // Cursor 0 means "after the built-in default", which is always last: nothing is left.
      if (after === 0) return { items: [], nextCursor: null };
      const active = await store.activeVersion(db);
      const rows = await store.listVersions(db, after, query.limit);
      const items: PolicyVersion[] = rows.map((r) => view(r, active));
      if (rows.length <= query.limit) items.push(view(null, active));
      const page = items.slice(0, query.limit);
      const more = items.length > query.limit;
      const strip = ({ version, builtIn, sha256, policyIds, comment, createdAt, createdBy }: PolicyVersion) => ({ version, builtIn, sha256, policyIds, comment, createdAt, createdBy });
      return { items: page.map(strip), nextCursor: more ? encodeCursor(page[page.length - 1]!.version) : null };
    },

    async validate(actor, text) {
      assertPermitted(actor, 'policies.read');
      const r = checkPolicyText(text);
      return r.ok
        ? { valid: true, policyIds: r.policyIds, errors: [], warnings: r.warnings }
        : { valid: false, policyIds: [], errors: r.errors, warnings: r.warnings };
    },

    async replace(actor, input) {
      assertPermitted(actor, 'policies.write');
      const c = compileCached(input.text);
      if ('errors' in c) {
        throw new ValidationError(`the policy set is invalid (${c.errors.length} error${c.errors.length === 1 ? '' : 's'}); the previous set stays in force`, toProblemErrors(c.errors));
      }
      const result = await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [REPLACE_LOCK_KEY]);
        const before = await store.findActiveSet(tx);
        const previous = before ? { version: before.version, sha256: before.sha256, policyIds: before.policyIds } : { version: 0, sha256: sha256Hex(DEFAULT_POLICY_TEXT), policyIds: (compileCached(DEFAULT_POLICY_TEXT) as CompiledPolicySet).policyIds };
        const row = {
          version: previous.version + 1, text: input.text, sha256: c.sha256, policyIds: c.policyIds, comment: input.comment ?? null,
          createdAt: clock.now(), createdBy: actor.kind === 'person' ? actor.personId : null,
        };
        await store.insertSet(tx, row);
        await audit.record(tx, actor, {
          type: 'policy.replaced',
          outcome: 'success',
          target: { type: 'policy_set', id: String(row.version) },
          details: {
            version: row.version, sha256: row.sha256, previousVersion: previous.version, previousSha256: previous.sha256,
            policyIds: row.policyIds,
            added: row.policyIds.filter((id) => !previous.policyIds.includes(id)),
            removed: previous.policyIds.filter((id) => !row.policyIds.includes(id)),
            comment: row.comment,
          },
        });
        return (await store.findVersion(tx, row.version))!;
      });
      remember(result.version, result.text);
      return { ...view(result, result.version), warnings: c.warnings };
    },

    schema(actor) {
      assertPermitted(actor, 'policies.read');
      return { format: 'cedarschema', text: SCHEMA_TEXT };
    },

    async inForce(q = db) {
      if (firstLoad) {
        const loaded = await firstLoad;
        if (loaded && current) return current;
      }
      return refresh(q);
    },
  };
}
