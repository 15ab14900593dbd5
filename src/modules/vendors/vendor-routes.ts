/** @module vendors/vendor-routes — HTTP transport for vendors; no rules here, only the service. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../composition.ts';
import { pageOf, problemResponses, refParams } from '../../http/schemas.ts';
import { createVendorSchema, listVendorsQuerySchema, updateVendorSchema, vendorSchema } from './vendor-types.ts';

/** Mount the vendor routes. @example registerVendorRoutes(app, services); */
export function registerVendorRoutes(fastify: FastifyInstance, { vendors }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['vendors'];

  app.get('/api/v1/vendors', {
    config: { permission: 'vendors.read' },
    schema: { tags, summary: 'List vendors', querystring: listVendorsQuerySchema, response: { 200: pageOf(vendorSchema), ...problemResponses } },
  }, async (req) => vendors.list(req.actor!, req.query));

  app.post('/api/v1/vendors', {
    config: { permission: 'vendors.write' },
    schema: { tags, summary: 'Create a vendor (an agency external developers work for)', body: createVendorSchema, response: { 201: vendorSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await vendors.create(req.actor!, req.body)));

  app.get('/api/v1/vendors/:ref', {
    config: { permission: 'vendors.read' },
    schema: { tags, summary: 'Get a vendor by id or name', params: refParams, response: { 200: vendorSchema, ...problemResponses } },
  }, async (req) => vendors.get(req.actor!, req.params.ref));

  app.patch('/api/v1/vendors/:ref', {
    config: { permission: 'vendors.write' },
    schema: { tags, summary: 'Update a vendor, or restore an archived one', params: refParams, body: updateVendorSchema, response: { 200: vendorSchema, ...problemResponses } },
  }, async (req) => vendors.update(req.actor!, req.params.ref, req.body));

  app.delete('/api/v1/vendors/:ref', {
    config: { permission: 'vendors.write' },
    schema: { tags, summary: 'Archive a vendor (refused while it has active or suspended engagements)', params: refParams, response: { 200: vendorSchema, ...problemResponses } },
  }, async (req) => vendors.archive(req.actor!, req.params.ref));
}
