/** @module authorizer/authorizer-routes — HTTP transport for the authorizer; no rules here, only the service. */
import type { FastifyInstance } from 'fastify';
import type { FastifyRouteSchemaDef } from 'fastify/types/schema.js';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../composition.ts';
import { problemResponses } from '../../http/schemas.ts';
import { authorizeBatchSchema, authorizeBodySchema, batchResultSchema, decisionJson, decisionSchema, parseAuthorizeBodyFast, type Decision } from './authorizer-types.ts';

/** The zod serializer app.ts installs, for the problem responses of routes that write their 200 answer themselves. */
const problemSerializer = serializerCompiler as (def: FastifyRouteSchemaDef<unknown>) => (data: unknown) => string;

/** The zod validator app.ts installs, for what the fast path leaves to the schema. */
const schemaValidator = validatorCompiler as (def: FastifyRouteSchemaDef<unknown>) => (data: unknown) => { value?: unknown; error?: Error };

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
    // The decision written directly (the same JSON as the schema's encoder, several times faster);
    // problem responses keep the schema's serializer.
    serializerCompiler: (def) => (def.httpStatus === '200' ? (d: Decision) => decisionJson(d) : problemSerializer(def)),
    // The everyday question is checked directly; anything else (and every error) by the schema.
    validatorCompiler: (def) => {
      const bySchema = schemaValidator(def);
      if (def.httpPart !== 'body') return bySchema;
      return (data: unknown) => {
        const value = parseAuthorizeBodyFast(data);
        return value ? { value } : bySchema(data);
      };
    },
  }, async (req) => authorizer.authorize(req.actor!, req.body, { arrivedAt: req.arrivedAt }));

  app.post('/api/v1/authorize/batch', {
    config: { permission: 'authorize.check' },
    schema: {
      tags,
      summary: 'Up to 100 questions in one call (for gateways in other processes), answered in order',
      body: authorizeBatchSchema,
      response: { 200: batchResultSchema, ...problemResponses },
    },
    serializerCompiler: (def) => (def.httpStatus === '200'
      ? (r: { results: Decision[] }) => `{"results":[${r.results.map(decisionJson).join(',')}]}`
      : problemSerializer(def)),
  }, async (req) => ({ results: await authorizer.authorizeMany(req.actor!, req.body.questions, { arrivedAt: req.arrivedAt }) }));
}
