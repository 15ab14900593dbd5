/** @module http/security-headers — headers on every response, HSTS when serving HTTPS. */
import type { FastifyInstance } from 'fastify';

/**
 * The security headers for a response. The API serves only JSON, so the CSP forbids everything;
 * the web console (later) sets its own policy on its routes.
 * @example securityHeaders({ https: true })['strict-transport-security'] // 'max-age=63072000; includeSubDomains'
 */
export function securityHeaders(opts: { https: boolean }): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cache-control': 'no-store',
    ...(opts.https ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}

const OVERRIDABLE = new Set(['content-security-policy', 'cache-control']);

/** Add the security headers to every reply that goes through Fastify's hooks. */
export function installSecurityHeaders(app: FastifyInstance, opts: { https: boolean }) {
  const headers = Object.entries(securityHeaders(opts));
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', String(request.id));
    // A route may set its own content-security-policy or cache-control; every other header is fixed.
    for (const [name, value] of headers) {
      if (!OVERRIDABLE.has(name) || !reply.hasHeader(name)) void reply.header(name, value);
    }
    return payload;
  });
}
