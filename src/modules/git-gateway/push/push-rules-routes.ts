/** @module git-gateway/push/push-rules-routes — HTTP transport for push rules and the push-scan allow list; no rules here, only the service. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../../composition.ts';
import { idParams, pageOf, problemResponses, refParams } from '../../../http/schemas.ts';
import { allowEntrySchema, createAllowEntrySchema, listAllowEntriesQuerySchema, pushRulesSchema, setPushRulesSchema } from './push-rules-types.ts';

export function registerPushRulesRoutes(fastify: FastifyInstance, { pushRules }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['git'];

  app.get('/api/v1/resources/:ref/git-rules', {
    config: { permission: 'git.push-rules.read' },
    schema: {
      tags, summary: 'The push rules of a git repository (protected refs, contribution pattern); the defaults while none are set',
      params: refParams, response: { 200: pushRulesSchema, ...problemResponses },
    },
  }, async (req) => pushRules.getRules(req.actor!, req.params.ref));

  app.put('/api/v1/resources/:ref/git-rules', {
    config: { permission: 'git.push-rules.write' },
    schema: {
      tags, summary: 'Replace the push rules of a git repository', params: refParams, body: setPushRulesSchema,
      response: { 200: pushRulesSchema, ...problemResponses },
    },
  }, async (req) => pushRules.setRules(req.actor!, req.params.ref, req.body));

  app.get('/api/v1/git-push-allowlist', {
    config: { permission: 'git.push-rules.read' },
    schema: {
      tags, summary: 'Allow-list entries: push-scan findings that do not refuse a push', querystring: listAllowEntriesQuerySchema,
      response: { 200: pageOf(allowEntrySchema), ...problemResponses },
    },
  }, async (req) => pushRules.listAllowList(req.actor!, req.query));

  app.post('/api/v1/git-push-allowlist', {
    config: { permission: 'git.push-rules.write' },
    schema: {
      tags, summary: 'Allow a finding (by fingerprint) or a path pattern, for one repository or all', body: createAllowEntrySchema,
      response: { 201: allowEntrySchema, ...problemResponses },
    },
  }, async (req, reply) => reply.code(201).send(await pushRules.addAllowEntry(req.actor!, req.body)));

  app.delete('/api/v1/git-push-allowlist/:id', {
    config: { permission: 'git.push-rules.write' },
    schema: { tags, summary: 'Remove an allow-list entry (its record stays, status removed)', params: idParams, response: { 200: allowEntrySchema, ...problemResponses } },
  }, async (req) => pushRules.removeAllowEntry(req.actor!, req.params.id));
}
