/** @module policy/policy-routes — HTTP transport for the Cedar policy set; no rules here, only the service. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../composition.ts';
import { pageOf, problemResponses } from '../../http/schemas.ts';
import {
  policyHistoryQuerySchema, policySetSchema, policyVersionSchema, replacePolicySchema, replaceResultSchema, schemaDocumentSchema,
  validatePolicySchema, validationResultSchema, versionParams,
} from './policy-types.ts';

/** Mount the policy routes. @example registerPolicyRoutes(app, services); */
export function registerPolicyRoutes(fastify: FastifyInstance, { policies }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['policies'];

  app.get('/api/v1/policies', {
    config: { permission: 'policies.read' },
    schema: { tags, summary: 'The Cedar policy set in force (version 0: the built-in default)', response: { 200: policySetSchema, ...problemResponses } },
  }, async (req) => policies.active(req.actor!));

  app.put('/api/v1/policies', {
    config: { permission: 'policies.write' },
    schema: {
      tags, summary: "Replace the policy set; an invalid set answers 400 with Cedar's messages and the previous set stays in force",
      body: replacePolicySchema, response: { 200: replaceResultSchema, ...problemResponses },
    },
  }, async (req) => policies.replace(req.actor!, req.body));

  app.post('/api/v1/policies/validate', {
    config: { permission: 'policies.read' },
    schema: {
      tags, summary: "Validate a policy set against Palisade's Cedar schema without changing anything",
      body: validatePolicySchema, response: { 200: validationResultSchema, ...problemResponses },
    },
  }, async (req) => policies.validate(req.actor!, req.body.text));

  app.get('/api/v1/policies/schema', {
    config: { permission: 'policies.read' },
    schema: { tags, summary: "Palisade's Cedar schema: the principals, actions, resources and context policies may refer to", response: { 200: schemaDocumentSchema, ...problemResponses } },
  }, async (req) => policies.schema(req.actor!));

  app.get('/api/v1/policies/versions', {
    config: { permission: 'policies.read' },
    schema: { tags, summary: 'Every version of the policy set, newest first', querystring: policyHistoryQuerySchema, response: { 200: pageOf(policyVersionSchema), ...problemResponses } },
  }, async (req) => policies.history(req.actor!, req.query));

  app.get('/api/v1/policies/versions/:version', {
    config: { permission: 'policies.read' },
    schema: { tags, summary: 'One version of the policy set, with its text', params: versionParams, response: { 200: policySetSchema, ...problemResponses } },
  }, async (req) => policies.version(req.actor!, req.params.version));
}
