/**
 * @module authorizer/authorizer-service — the one decision point: may principal P do action A on
 * resource R now, in this context? Grants (effective at the moment of the question, so an expired
 * grant denies with no job having run) combined with the Cedar policies in force; deny by default;
 * every answer says why. Every deny is an `authz.denied` audit event; allows are not recorded here
 * (the gateway that asked records the access itself).
 */
import type { Clock } from '../../core/clock.ts';
import { openWindow, type TimeWindow } from '../../core/time-window.ts';
import { ForbiddenError } from '../../core/errors.ts';
import type { Database } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { Actor, AnyActor, RequestOrigin } from '../auth/actor.ts';
import { assertPermitted, isPermitted } from '../auth/permissions.ts';
import { evaluate } from '../policy/cedar-engine.ts';
import { cedarQuestion, type ContextFacts, type PrincipalFacts } from '../policy/policy-entities.ts';
import type { PolicyService } from '../policy/policy-service.ts';
import { computeReadiness, narrowToReadiness } from '../vetting/readiness-fns.ts';
import { createAuthzCache, type AuthzCache, type FactsGeneration } from './authz-cache.ts';
import type { EpochWatcher } from './authz-epoch.ts';
import { createDenyRecorder } from './deny-recorder.ts';
import type { CachedGrant, PersonFacts, ResourceFactsRow } from './authz-facts.ts';
import { effectiveGrantsFor, engagementForQuestion, failClosed, narrowToGrants, noGrantReason, policyReason } from './authorizer-fns.ts';
import { questionKey, recall, remember } from './decision-memo.ts';
import type { AuthorizeInput, Decision } from './authorizer-types.ts';

export interface AskOptions {
  /**
   * When the question began to arrive (`performance.now()`; the HTTP layer stamps each request): a
   * read of the authz epoch started since then — the one for the caller's token — will do.
   */
  arrivedAt?: number | undefined;
}

export interface AuthorizerService {
  /**
   * Answer one question. Gateways in this process call it with the system actor; people call it
   * through POST /api/v1/authorize (developers only about themselves).
   * @example const d = await services.authorizer.authorize(systemActor, { principal: 'alice', action: 'read', resource: 'payments/api', context: { sourceIp, gateway: 'git' } });
   */
  authorize(actor: AnyActor, input: AuthorizeInput, opts?: AskOptions): Promise<Decision>;
  /** Answer several questions against one view of the facts (one epoch read, one audit transaction). */
  authorizeMany(actor: AnyActor, inputs: AuthorizeInput[], opts?: AskOptions): Promise<Decision[]>;
  /** The cache, for tests and the benchmark. */
  readonly cache: AuthzCache;
  /** Write journaled denials to the database now (tests; see deny-recorder.ts). */
  flushDenials(): Promise<void>;
  /** Write denials journaled by a process that is gone (server start); returns how many. */
  recoverDenials(): Promise<number>;
  /** Write journaled denials, then release the cache's database connection (server shutdown). */
  close(): Promise<void>;
}

/** The person a system-asked (gateway) denial is recorded against: the one who attempted the access. */
function subjectActor(asker: AnyActor, person: PersonFacts | null, sourceIp: string | null): AnyActor | RequestOrigin {
  if (asker.kind === 'person') return asker;
  if (!person) return { ip: sourceIp, userAgent: null, requestId: asker.requestId };
  // Not a token holder: only the fields the audit event takes matter.
  const subject: Actor = {
    kind: 'person', personId: person.id, handle: person.handle, role: person.role as Actor['role'],
    tokenId: '', scopes: [], ip: sourceIp, userAgent: null, requestId: asker.requestId,
  };
  return subject;
}

/** @example const authorizer = createAuthorizerService({ db, clock, audit, policies }); */
export function createAuthorizerService(deps: {
  db: Database; clock: Clock; audit: AuditService; policies: PolicyService; epoch?: EpochWatcher;
  /** Where denials are journaled before they are answered (deny-recorder.ts); without it each waits for its commit. */
  denyJournalDir?: string | null;
}): AuthorizerService {
  const { db, clock, audit, policies } = deps;
  const cache = createAuthzCache({ db, loadPolicies: (q) => policies.inForce(q), ...(deps.epoch ? { epoch: deps.epoch } : {}) });

  /** A developer may ask only about themselves; checked on the reference, so nothing about others leaks. */
  const assertMayAskAbout = (actor: AnyActor, ref: string) => {
    if (actor.kind === 'person' && !isPermitted(actor, 'authorize.others') && ref !== actor.personId && ref !== actor.handle) {
      throw new ForbiddenError('you may ask only about your own access');
    }
  };

  const evaluateWith = async (
    gen: FactsGeneration, input: AuthorizeInput, person: PersonFacts, resource: ResourceFactsRow, grant: CachedGrant | null, engagementId: string | null,
    now: Date, window: TimeWindow,
  ): Promise<Decision> => {
    const inForce = await gen.policies();
    const base = {
      principal: { id: person.id, handle: person.handle }, resource: { id: resource.id, name: resource.name },
      action: input.action, engagementId, evaluatedAt: now,
    };
    if (!inForce.set) {
      const why = inForce.problems.map((p) => p.message).join('; ');
      return { ...base, decision: 'deny', reasons: [`the policy set in force (version ${inForce.version}) does not validate, so nothing is allowed: ${why}`], policyIds: [], grantId: null, missing: ['a valid policy set'] };
    }
    const set = inForce.set;
    const facts = engagementId ? await gen.readinessFacts(person.id, engagementId) : null;
    const readiness = facts ? computeReadiness(facts, now) : null;
    if (facts) narrowToReadiness(facts, window);
    const principal: PrincipalFacts = {
      handle: person.handle, kind: person.kind, role: person.role, status: person.status, vendorId: person.vendorId,
      duty: engagementId ? (person.engagements.get(engagementId) ?? null) : null,
    };
    const context: ContextFacts = {
      now,
      sourceIp: input.context?.sourceIp ?? null,
      gateway: input.context?.gateway ?? 'api',
      engagement: facts ? facts.engagement : null,
      readiness: readiness ? { ready: readiness.ready, unmet: readiness.unmet.map((u) => u.requirement) } : { ready: false, unmet: ['on_engagement'] },
      grantPermission: grant?.permission ?? null,
      permission: input.action,
      durationSeconds: 0,
    };
    const answer = evaluate(set, cedarQuestion(input.action, principal, { ...resource }, context), { window });
    const { decision, forbidErrors } = failClosed(set, answer);
    if (decision === 'allow') {
      const reasons = [
        ...(grant ? [`grant ${grant.id} gives ${person.handle} ${grant.permission} on ${resource.name} until ${grant.endsAt.toISOString()}`] : []),
        ...answer.determining.map((id) => policyReason(set, id)),
      ];
      return { ...base, decision, reasons, policyIds: answer.determining, grantId: grant?.id ?? null, missing: [] };
    }
    const reasons: string[] = [];
    const missing: string[] = [];
    if (!grant) {
      reasons.push(noGrantReason(person, resource.name, resource.id, input.action, now));
      missing.push(`an effective grant covering ${input.action} on ${resource.name} (ask for it with an access request)`);
    }
    reasons.push(...answer.determining.map((id) => policyReason(set, id)), ...forbidErrors);
    if (readiness && !readiness.ready && person.kind === 'external') missing.push(...readiness.unmet.map((u) => u.message));
    if (reasons.length === 0) reasons.push('no policy permits this (deny by default)');
    return { ...base, decision: 'deny', reasons, policyIds: answer.determining, grantId: null, missing };
  };

  type Answered = { decision: Decision; person: PersonFacts | null };

  /** The decision at `window.at`, with `window` narrowed to the moments it holds for (decision-memo.ts). */
  const decideAt = async (gen: FactsGeneration, input: AuthorizeInput, now: Date, window: TimeWindow): Promise<Answered> => {
    const [person, resource] = await Promise.all([gen.person(input.principal), gen.resource(input.resource)]);
    const unknown = (reason: string, missing: string): Decision => ({
      decision: 'deny', reasons: [reason], policyIds: [], grantId: null, missing: [missing],
      principal: person ? { id: person.id, handle: person.handle } : null, resource: resource ? { id: resource.id, name: resource.name } : null,
      action: input.action, engagementId: null, evaluatedAt: now,
    });
    if (!person) return { decision: unknown(`unknown principal ${input.principal}`, 'a known person'), person };
    if (!resource) return { decision: unknown(`unknown resource ${input.resource}`, 'a known resource'), person };
    narrowToGrants(person, resource.id, window);
    const grants = effectiveGrantsFor(person, resource.id, input.action, now);
    // Several grants (say, from two engagements) may cover the action; any one that the policies allow is enough.
    let first: Decision | null = null;
    for (const grant of grants) {
      const d = await evaluateWith(gen, input, person, resource, grant, grant.engagementId, now, window);
      if (d.decision === 'allow') return { decision: d, person };
      first ??= d;
    }
    first ??= await evaluateWith(gen, input, person, resource, null, engagementForQuestion(person, resource.id), now, window);
    return { decision: first, person };
  };

  const decide = async (gen: FactsGeneration, actor: AnyActor, input: AuthorizeInput): Promise<Answered> => {
    assertMayAskAbout(actor, input.principal);
    const now = input.context?.time ?? clock.now();
    const key = questionKey(input);
    const known = key === null ? null : recall(gen, key, now);
    if (known) return known;
    const window = openWindow(now.getTime());
    const answered = await decideAt(gen, input, now, window);
    if (key !== null) remember(gen, key, answered.decision, answered.person, window);
    return answered;
  };

  const denials = createDenyRecorder({
    db, audit, journalDir: deps.denyJournalDir ?? null,
    // Shown in the server's output like the git gateway's event warnings; the journal is kept and retried.
    onError: (err, what) => process.emitWarning(`${what}: ${(err as Error).message}`),
  });
  const recordDenials = async (actor: AnyActor, denied: { input: AuthorizeInput; decision: Decision; person: PersonFacts | null }[]) => {
    await denials.record(denied.map(({ input, decision: d, person }) => {
      const sourceIp = input.context?.sourceIp ?? null;
      return { actor: subjectActor(actor, person, sourceIp), event: {
        type: 'authz.denied',
        outcome: 'denied',
        target: { type: 'resource', id: d.resource?.id ?? input.resource },
        engagementId: d.engagementId,
        details: {
          principal: d.principal ?? { ref: input.principal },
          action: d.action,
          resource: d.resource ?? { ref: input.resource },
          gateway: input.context?.gateway ?? 'api',
          sourceIp,
          reasons: d.reasons,
          policyIds: d.policyIds,
          missing: d.missing,
          ...(input.context?.time ? { asOf: d.evaluatedAt.toISOString() } : {}),
          askedBy: actor.kind === 'person' ? actor.handle : 'system',
        },
      } };
    }));
  };

  const answerAll = async (gen: FactsGeneration, actor: AnyActor, inputs: AuthorizeInput[]) => {
    const answered = [];
    for (const input of inputs) answered.push({ input, ...(await decide(gen, actor, input)) });
    return answered;
  };

  const authorizeMany: AuthorizerService['authorizeMany'] = async (actor, inputs, opts) => {
    assertPermitted(actor, 'authorize.check');
    for (const input of inputs) assertMayAskAbout(actor, input.principal);
    // Decide with the facts in hand while the epoch read is on the wire; keep the answers only if
    // the read confirms those facts are current (nothing is recorded before that).
    const { guess, confirm } = cache.begin(opts?.arrivedAt);
    const speculated = guess ? await answerAll(guess, actor, inputs).catch(() => null) : null;
    const gen = await confirm;
    const answered = speculated && gen === guess ? speculated : await answerAll(gen, actor, inputs);
    await recordDenials(actor, answered.filter((a) => a.decision.decision === 'deny'));
    return answered.map((a) => a.decision);
  };

  return {
    cache,
    flushDenials: () => denials.flush(),
    recoverDenials: () => denials.recover(),
    close: async () => {
      await denials.close();
      await cache.close();
    },
    authorizeMany,
    async authorize(actor, input, opts) {
      return (await authorizeMany(actor, [input], opts))[0]!;
    },
  };
}
