/** @module http/openapi — the OpenAPI 3.1 document, built from the routes' zod schemas. */
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { rolesFor } from '../modules/auth/permissions.ts';

export const API_VERSION = '0.1.0';

export async function installOpenApi(app: FastifyInstance) {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Palisade API',
        version: API_VERSION,
        description:
          'Security control plane for external developers. Authenticate with `Authorization: Bearer pal_…`. ' +
          'Errors are RFC 9457 problem+json documents carrying a `requestId`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Palisade API token (pal_…)' },
          // Public routes authenticate by themselves; each names its scheme in `security`.
          githubSignature: { type: 'apiKey', in: 'header', name: 'X-Hub-Signature-256', description: 'GitHub webhook HMAC-SHA256 signature of the body (sha256=<hex>)' },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    // Each operation states the permission it needs and the roles that hold it; a public route
    // (which authenticates by itself, see its `security`) says so with x-palisade-public.
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      const permission = input.route.config?.permission;
      if (!permission) return out;
      const schema = {
        ...out.schema, 'x-palisade-permission': permission, 'x-palisade-roles': [...rolesFor(permission)],
        ...(input.route.config?.public ? { 'x-palisade-public': true } : {}),
      };
      return { ...out, schema } as typeof out;
    },
  });
}

/** Serve the document at /api/v1/openapi.json; call after every route is registered. */
export function serveOpenApiDocument(app: FastifyInstance) {
  app.get(
    '/api/v1/openapi.json',
    { config: { public: true }, schema: { hide: true } },
    async (_request, reply) => reply.header('cache-control', 'no-cache').send(app.swagger()),
  );
}
