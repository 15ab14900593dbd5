/** @module authorizer/authorizer-routes — HTTP transport for the authorizer; no rules here, only the service. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../composition.ts';
import { problemResponses } from '../../http/schemas.ts';
import { authorizeBatchSchema, authorizeBodySchema, batchResultSchema, decisionSchema } from './authorizer-types.ts';

/** Mount the authorizer routes. @example registerAuthorizerRoutes(app, services); */
export function registerAuthorizerRoutes(fastify: FastifyInstance, { authorizer }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['authorizer'];

  app.post('/api/v1/authorize', {
    config: { permission: 'authorize.check' },
    schema: {
      tags,
      summary: 'May principal P do action A on resource R now (or at context.time), from this source IP, through this gateway? ' +
        'Answers allow or deny with the reasons; every deny is an authz.denied audit event. Developers may ask only about themselves.',
      body: authorizeBodySchema,
      response: { 200: decisionSchema, ...problemResponses },
    },
  }, async (req) => authorizer.authorize(req.actor!, req.body));

  app.post('/api/v1/authorize/batch', {
    config: { permission: 'authorize.check' },
    schema: {
      tags,
      summary: 'Up to 100 questions in one call (for gateways in other processes), answered in order',
      body: authorizeBatchSchema,
      response: { 200: batchResultSchema, ...problemResponses },
    },
  }, async (req) => ({ results: await authorizer.authorizeMany(req.actor!, req.body.questions) }));
}
