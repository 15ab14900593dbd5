/** @module resources/resource-routes — HTTP transport for resources; no rules here, only the service. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../composition.ts';
import { pageOf, problemResponses, refParams } from '../../http/schemas.ts';
import { createResourceSchema, listResourcesQuerySchema, resourceSchema, updateResourceSchema } from './resource-types.ts';

export function registerResourceRoutes(fastify: FastifyInstance, { resources }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['resources'];
  const summaryRef = 'by id or name (a name with "/" is percent-encoded: payments%2Fapi)';

  app.get('/api/v1/resources', {
    config: { permission: 'resources.read' },
    schema: { tags, summary: 'List resources', querystring: listResourcesQuerySchema, response: { 200: pageOf(resourceSchema), ...problemResponses } },
  }, async (req) => resources.list(req.actor!, req.query));

  app.post('/api/v1/resources', {
    config: { permission: 'resources.write' },
    schema: { tags, summary: 'Register a resource', body: createResourceSchema, response: { 201: resourceSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await resources.create(req.actor!, req.body)));

  app.get('/api/v1/resources/:ref', {
    config: { permission: 'resources.read' },
    schema: { tags, summary: `Get a resource ${summaryRef}`, params: refParams, response: { 200: resourceSchema, ...problemResponses } },
  }, async (req) => resources.get(req.actor!, req.params.ref));

  app.patch('/api/v1/resources/:ref', {
    config: { permission: 'resources.write' },
    schema: {
      tags, summary: `Update a resource ${summaryRef}; name and kind never change`,
      params: refParams, body: updateResourceSchema, response: { 200: resourceSchema, ...problemResponses },
    },
  }, async (req) => resources.update(req.actor!, req.params.ref, req.body));

  app.delete('/api/v1/resources/:ref', {
    config: { permission: 'resources.write' },
    schema: { tags, summary: `Retire a resource ${summaryRef} (final; the name is not reused)`, params: refParams, response: { 200: resourceSchema, ...problemResponses } },
  }, async (req) => resources.retire(req.actor!, req.params.ref));
}
