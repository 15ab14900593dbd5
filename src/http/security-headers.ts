/** @module http/security-headers — headers on every response, HSTS when serving HTTPS. */
import type { FastifyInstance } from 'fastify';

/**
 * Add the security headers. The API serves only JSON, so the CSP forbids everything; the web
 * console (later) sets its own policy on its routes.
 */
export function installSecurityHeaders(app: FastifyInstance, opts: { https: boolean }) {
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', String(request.id));
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('cross-origin-opener-policy', 'same-origin');
    void reply.header('cross-origin-resource-policy', 'same-origin');
    void reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (!reply.hasHeader('content-security-policy')) {
      void reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    }
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    if (opts.https) void reply.header('strict-transport-security', 'max-age=63072000; includeSubDomains');
    return payload;
  });
}
