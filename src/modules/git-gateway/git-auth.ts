/**
 * @module git-gateway/git-auth — HTTP Basic for git clients: the developer's handle as user name and a Palisade
 * token with scope `git` as password. A request without credentials is git's normal first probe and only gets
 * the challenge; every presented-but-wrong credential is an `auth.failed` event and costs a token from the
 * source address's and the handle's buckets; an empty bucket answers 429 without looking at the credential.
 */
import { UnauthenticatedError } from '../../core/errors.ts';
import type { Actor, RequestOrigin } from '../auth/actor.ts';
import type { TokenService } from '../auth/token-service.ts';
import { createFailureLimiter, type BucketOptions, type FailureLimiter } from './rate-limit.ts';

export type GitAuthResult =
  | { ok: true; actor: Actor }
  | { ok: false; status: 401; message: string }
  | { ok: false; status: 429; message: string; retryAfter: number };

export interface GitAuthenticator {
  authenticate(authorization: string | undefined, origin: RequestOrigin, nowMs: number): Promise<GitAuthResult>;
}

/** Ten failures in a burst, then one more every six seconds (per address and per handle). */
export const DEFAULT_FAILURE_BUCKETS: BucketOptions = { capacity: 10, refillPerSecond: 1 / 6, maxKeys: 20_000 };

/**
 * The user name and password of an `Authorization: Basic …` header, or null if it is not well-formed.
 * @example parseBasic('Basic ' + btoa('alice:pal_x')) // { user: 'alice', password: 'pal_x' }
 */
export function parseBasic(header: string): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0 || colon > 100) return null;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** @example const auth = createGitAuthenticator({ tokens }); await auth.authenticate(req.headers.authorization, origin, Date.now()); */
export function createGitAuthenticator(deps: { tokens: TokenService; buckets?: BucketOptions }): GitAuthenticator {
  const { tokens } = deps;
  const byAddress: FailureLimiter = createFailureLimiter(deps.buckets ?? DEFAULT_FAILURE_BUCKETS);
  const byHandle: FailureLimiter = createFailureLimiter(deps.buckets ?? DEFAULT_FAILURE_BUCKETS);

  return {
    async authenticate(authorization, origin, nowMs) {
      if (!authorization) return { ok: false, status: 401, message: 'authentication required' };
      const basic = parseBasic(authorization);
      const handle = basic ? basic.user.toLowerCase().slice(0, 100) : null;
      const addressKey = origin.ip ?? 'unknown';
      const wait = Math.max(byAddress.retryAfter(addressKey, nowMs), handle ? byHandle.retryAfter(handle, nowMs) : 0);
      const failed = async (reason: string, record: boolean): Promise<GitAuthResult> => {
        byAddress.fail(addressKey, nowMs);
        if (handle) byHandle.fail(handle, nowMs);
        if (record) await tokens.recordFailure(origin, reason, { method: 'git-basic', handle });
        return { ok: false, status: 401, message: 'invalid user name or token' };
      };
      if (wait > 0) {
        await tokens.recordFailure(origin, 'rate limited', { method: 'git-basic', handle, retryAfterSeconds: wait });
        return { ok: false, status: 429, message: `too many failed authentications; retry in ${wait} s`, retryAfter: wait };
      }
      if (!basic) return failed('malformed authorization header', true);
      let actor: Actor;
      try {
        actor = await tokens.authenticate(basic.password, origin);
      } catch (err) {
        // The token service has already recorded why (unknown, expired, revoked token …).
        if (err instanceof UnauthenticatedError) return failed('', false);
        throw err;
      }
      if (actor.handle !== basic.user) return failed(`the token belongs to another person (${actor.handle})`, true);
      if (!actor.scopes.includes('git')) return failed('the token has no git scope', true);
      return { ok: true, actor };
    },
  };
}
