/** @module auth/token-routes — issuing, listing and revoking API tokens. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../composition.ts';
import { idParams, problemResponses } from '../../http/schemas.ts';
import { createdTokenSchema, createTokenSchema, tokenSchema } from './token-types.ts';

export function registerTokenRoutes(fastify: FastifyInstance, { tokens }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['tokens'];

  app.get('/api/v1/tokens', {
    config: { permission: 'tokens.self' },
    schema: {
      tags, summary: 'List your tokens (admins: anyone\'s with personId)',
      querystring: z.object({ personId: z.uuid().optional() }),
      response: { 200: z.object({ items: z.array(tokenSchema) }), ...problemResponses },
    },
  }, async (req) => ({ items: await tokens.list(req.actor!, req.query.personId) }));

  app.post('/api/v1/tokens', {
    config: { permission: 'tokens.self' },
    schema: { tags, summary: 'Issue a token; the secret is in this response only', body: createTokenSchema, response: { 201: createdTokenSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await tokens.create(req.actor!, req.body)));

  app.delete('/api/v1/tokens/:id', {
    config: { permission: 'tokens.self' },
    schema: { tags, summary: 'Revoke a token', params: idParams, response: { 200: tokenSchema, ...problemResponses } },
  }, async (req) => tokens.revoke(req.actor!, req.params.id));
}
