/**
 * @module http/authenticate — resolves `Authorization: Bearer pal_…` to an actor for every
 * /api/v1 route that is not public, then checks the route's permission before validation.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../core/errors.ts';
import { scrubTokens } from '../core/secret-token.ts';
import type { RequestOrigin } from '../modules/auth/actor.ts';
import { isPermitted } from '../modules/auth/permissions.ts';
import type { TokenService } from '../modules/auth/token-service.ts';

export function originOf(request: FastifyRequest): RequestOrigin {
  const ua = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null, requestId: String(request.id) };
}

/**
 * Whether a request is for the API. Decided by the route that matched, never by the raw URL:
 * the router decodes `%61pi` to `api`, so a raw-prefix test would let `/%61pi/v1/me` reach a
 * handler unauthenticated. Unmatched paths use their decoded form (401 before 404 under /api).
 */
function isApiRequest(request: FastifyRequest): boolean {
  if (!request.is404) return (request.routeOptions.url ?? '').startsWith('/api/');
  const rawPath = request.url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(rawPath).startsWith('/api/');
  } catch {
    return rawPath.startsWith('/api/');
  }
}

function bearerOf(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

export function installAuthentication(app: FastifyInstance, tokens: TokenService) {
  app.decorateRequest('actor', null);
  app.decorateRequest('arrivedAt', 0);

  app.addHook('onRequest', async (request) => {
    request.arrivedAt = performance.now();
    const config = request.routeOptions.config;
    if (config.public) return;
    // Unknown paths under /api are answered 401 before 404 so that routes are not enumerable.
    if (!isApiRequest(request)) return;
    const token = bearerOf(request.headers.authorization);
    if (!token) {
      await tokens.recordFailure(originOf(request), request.headers.authorization ? 'malformed authorization header' : 'no credentials', {
        // The audit log is permanent: a token pasted into the path by mistake must not end up in it.
        route: scrubTokens(request.url.split('?')[0] ?? ''),
      });
      throw new UnauthenticatedError('send an API token as "Authorization: Bearer pal_…"');
    }
    const actor = await tokens.authenticate(token, originOf(request));
    // A token for the git gateway only (scope `git`) is not a key to the API.
    if (!actor.scopes.includes('api')) {
      await tokens.recordFailure(originOf(request), 'token has no api scope', { tokenId: actor.tokenId, handle: actor.handle });
      throw new UnauthenticatedError('this token is not valid for the API (scope git only)');
    }
    request.actor = actor;
  });

  // A callback hook, not an async one: it runs on every request, and a promise per request is measurable.
  app.addHook('preValidation', (request, _reply, done) => {
    const { permission, public: isPublic } = request.routeOptions.config;
    // An authenticated caller on an unknown path gets the plain 404 from the not-found handler.
    if (isPublic || !isApiRequest(request) || (request.actor && request.is404)) return done();
    if (!request.actor) return done(new UnauthenticatedError('authentication required') as unknown as FastifyError);
    if (!permission || !isPermitted(request.actor, permission)) {
      return done(new ForbiddenError(`role '${request.actor.role}' may not use this route`) as unknown as FastifyError);
    }
    done();
  });

  // Deny by default: refuse to start with an /api route that names no permission.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && !route.config?.public && !route.config?.permission) {
      throw new Error(`route ${route.method} ${route.url} has no permission`);
    }
  });
}
