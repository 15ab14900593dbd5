/**
 * @module auth/token-service — issuing, checking and revoking API tokens. Every failed
 * authentication is an audit event; the client is never told which check failed.
 */
import type { Clock } from '../../core/clock.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { digestsEqual, generateToken, hashToken, isWellFormedToken, tokenHint } from '../../core/secret-token.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { Actor, AnyActor, RequestOrigin } from './actor.ts';
import { assertPermitted, isPermitted } from './permissions.ts';
import type { EpochWatcher } from '../authorizer/authz-epoch.ts';
import { createTokenCache } from './token-cache.ts';
import * as store from './token-store.ts';
import type { CreateTokenInput } from './token-types.ts';

const DEFAULT_LIFETIME_DAYS = 90;
const DAY_MS = 86_400_000;

export interface TokenService {
  /** Resolve a bearer token to its actor, or record `auth.failed` and throw UnauthenticatedError. */
  authenticate(token: string, origin: RequestOrigin): Promise<Actor>;
  /** Record a failed authentication that never reached a token (e.g. no Authorization header). */
  recordFailure(origin: RequestOrigin, reason: string, details?: Record<string, unknown>): Promise<void>;
  create(actor: AnyActor, input: CreateTokenInput): Promise<{ token: string; meta: store.TokenRow }>;
  /** Issue a token on an open transaction (also first-start bootstrap). `presetToken` is used verbatim if given. */
  issueOn(tx: Queryable, actor: AnyActor, spec: IssueSpec): Promise<{ token: string; meta: store.TokenRow }>;
  list(actor: AnyActor, personId: string | undefined): Promise<store.TokenRow[]>;
  revoke(actor: AnyActor, tokenId: string): Promise<store.TokenRow>;
}

export interface IssueSpec {
  personId: string;
  name: string;
  expiresAt: Date | null;
  scopes: string[];
  presetToken?: string | undefined;
}

/**
 * With `epoch` (the authz epoch watcher), resolved tokens are remembered until the epoch moves, and the
 * last-used time is written once a minute per token: an authenticated request needs no query of its
 * own beyond the (shared) epoch read.
 * @example const tokens = createTokenService({ db, clock, audit, epoch });
 */
export function createTokenService(deps: { db: Database; clock: Clock; audit: AuditService; epoch?: EpochWatcher }): TokenService {
  const { db, clock, audit } = deps;
  const cache = deps.epoch ? createTokenCache(deps.epoch) : null;

  const recordFailure: TokenService['recordFailure'] = async (origin, reason, details = {}) => {
    await db.transaction((tx) =>
      audit.record(tx, origin, { type: 'auth.failed', outcome: 'failure', details: { reason, method: 'api-token', ...details } }),
    );
  };

  const issueOn: TokenService['issueOn'] = async (tx, actor, { personId, name, expiresAt, scopes, presetToken }) => {
    const token = presetToken ?? generateToken();
    const meta: store.TokenRow = {
      id: newId(),
      personId,
      name,
      hint: tokenHint(token),
      scopes,
      createdAt: clock.now(),
      createdBy: actor.kind === 'person' ? actor.personId : null,
      expiresAt,
      revokedAt: null,
      lastUsedAt: null,
    };
    await store.insertToken(tx, { ...meta, tokenHash: hashToken(token) });
    await audit.record(tx, actor, {
      type: 'token.created',
      outcome: 'success',
      target: { type: 'person', id: personId },
      details: { tokenId: meta.id, name, scopes: meta.scopes, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { token, meta };
  };

  return {
    recordFailure,
    issueOn,

    async authenticate(token, origin) {
      const fail = async (reason: string, details?: Record<string, unknown>): Promise<never> => {
        await recordFailure(origin, reason, details);
        throw new UnauthenticatedError('invalid or expired token');
      };
      if (!isWellFormedToken(token)) return fail('malformed token');
      const hash = hashToken(token);
      const found = cache ? await cache.lookup(hash, () => store.findTokenByHash(db, hash)) : await store.findTokenByHash(db, hash);
      // The lookup is by hash; the comparison below is constant-time defence in depth.
      if (!found || !digestsEqual(found.tokenHash, hash)) return fail('unknown token', { hint: tokenHint(token) });
      const now = clock.now();
      const who = { tokenId: found.id, personId: found.personId, handle: found.holder.handle };
      if (found.revokedAt) return fail('revoked token', who);
      if (found.expiresAt && found.expiresAt <= now) return fail('expired token', who);
      if (found.holder.status !== 'active') return fail(`person is ${found.holder.status}`, who);
      if (!cache || cache.shouldTouch(found.id, now.getTime())) await store.touchToken(db, found.id, now);
      return {
        kind: 'person',
        personId: found.personId,
        handle: found.holder.handle,
        role: found.holder.role,
        tokenId: found.id,
        scopes: found.scopes,
        ...origin,
      };
    },

    async create(actor, input) {
      assertPermitted(actor, 'tokens.self');
      if (actor.kind !== 'person') throw new ForbiddenError('tokens are issued to people');
      const personId = input.personId ?? actor.personId;
      if (personId !== actor.personId) assertPermitted(actor, 'tokens.manage');
      let expiresAt = new Date(clock.now().getTime() + (input.expiresInDays ?? DEFAULT_LIFETIME_DAYS) * DAY_MS);
      return db.transaction(async (tx) => {
        const [holder] = await tx.query<{ status: string }>('SELECT status FROM people WHERE id = $1', [personId]);
        if (!holder) throw new NotFoundError('person not found');
        if (holder.status !== 'active') throw new ForbiddenError(`person is ${holder.status}`);
        // A git token lives no longer than the holder's latest active grant on a git repository (issue 6).
        if (input.scopes.includes('git')) {
          const grantEnd = await store.latestGitGrantEnd(tx, personId, clock.now());
          if (grantEnd === null) throw new ConflictError('no active grant on a git repository: a git token would be of no use');
          if (grantEnd < expiresAt) expiresAt = grantEnd;
        }
        return issueOn(tx, actor, { personId, name: input.name, expiresAt, scopes: input.scopes });
      });
    },

    async list(actor, personId) {
      assertPermitted(actor, 'tokens.self');
      if (actor.kind !== 'person') return [];
      const whose = personId ?? actor.personId;
      if (whose !== actor.personId) assertPermitted(actor, 'tokens.manage');
      return store.listTokensOf(db, whose);
    },

    async revoke(actor, tokenId) {
      assertPermitted(actor, 'tokens.self');
      return db.transaction(async (tx) => {
        const t = await store.findTokenById(tx, tokenId);
        const own = actor.kind === 'person' && t?.personId === actor.personId;
        // Someone else's token is "not found" unless the caller may manage tokens.
        if (!t || (!own && !isPermitted(actor, 'tokens.manage'))) throw new NotFoundError('token not found');
        const now = clock.now();
        await store.markRevoked(tx, t.id, now);
        await audit.record(tx, actor, {
          type: 'token.revoked',
          outcome: 'success',
          target: { type: 'person', id: t.personId },
          details: { tokenId: t.id, name: t.name },
        });
        return { ...t, revokedAt: t.revokedAt ?? now };
      });
    },
  };
}
