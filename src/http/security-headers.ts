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
  const all = Object.entries(securityHeaders(opts));
  const fixed = Object.fromEntries(all.filter(([name]) => !OVERRIDABLE.has(name)));
  const defaults = all.filter(([name]) => OVERRIDABLE.has(name));
  // A callback hook, not an async one: it runs on every response, and a promise per response is measurable.
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', String(request.id));
    void reply.headers(fixed);
    // A route may set its own content-security-policy or cache-control; every other header is fixed.
    for (const [name, value] of defaults) if (!reply.hasHeader(name)) void reply.header(name, value);
    done(null, payload);
  });
}
