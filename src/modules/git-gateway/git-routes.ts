/**
 * @module git-gateway/git-routes — mounts the gateway at `/git/*` on the API's server. Outside /api: no bearer
 * authentication, no JSON parsing, not in the OpenAPI document. The body is left unread for the gateway to
 * stream, and the reply is hijacked so that responses stream with backpressure.
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../composition.ts';

export function registerGitRoutes(app: FastifyInstance, { gitGateway }: Services) {
  void app.register(async (scope) => {
    // Git's bodies (pkt-lines, packs, gzip) are the gateway's to read, as a stream, whatever their type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const handler = async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
      reply.hijack();
      await gitGateway.handle({
        method: request.method,
        rawUrl: request.raw.url ?? '',
        headers: request.headers,
        ip: request.ip,
        requestId: String(request.id),
        body: request.raw,
      }, reply.raw);
    };
    scope.route({ method: ['GET', 'POST'], url: '/git/*', config: { public: true }, schema: { hide: true }, handler });
  });
}
