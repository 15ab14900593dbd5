/** @module people/people-routes — HTTP transport for people; no rules here, only the service. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../composition.ts';
import { pageOf, problemResponses, refParams } from '../../http/schemas.ts';
import { createPersonSchema, listPeopleQuerySchema, personSchema, updatePersonSchema, updateSelfSchema } from './people-types.ts';

export function registerPeopleRoutes(fastify: FastifyInstance, { people }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['people'];

  app.get('/api/v1/me', {
    config: { permission: 'me.read' },
    schema: { tags, summary: 'The caller', response: { 200: personSchema, ...problemResponses } },
  }, async (req) => people.get(req.actor!, req.actor!.personId));

  app.patch('/api/v1/me', {
    config: { permission: 'me.update' },
    schema: { tags, summary: 'Update your own profile, SSH keys and age recipient', body: updateSelfSchema, response: { 200: personSchema, ...problemResponses } },
  }, async (req) => people.updateSelf(req.actor!, req.body));

  app.get('/api/v1/people', {
    config: { permission: 'people.read' },
    schema: { tags, summary: 'List people', querystring: listPeopleQuerySchema, response: { 200: pageOf(personSchema), ...problemResponses } },
  }, async (req) => people.list(req.actor!, req.query));

  app.post('/api/v1/people', {
    config: { permission: 'people.write' },
    schema: { tags, summary: 'Create a member or an external developer', body: createPersonSchema, response: { 201: personSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await people.create(req.actor!, req.body)));

  app.get('/api/v1/people/:ref', {
    config: { permission: 'people.read' },
    schema: { tags, summary: 'Get a person by id or handle', params: refParams, response: { 200: personSchema, ...problemResponses } },
  }, async (req) => people.get(req.actor!, req.params.ref));

  app.patch('/api/v1/people/:ref', {
    config: { permission: 'people.write' },
    schema: { tags, summary: 'Update a person', params: refParams, body: updatePersonSchema, response: { 200: personSchema, ...problemResponses } },
  }, async (req) => people.update(req.actor!, req.params.ref, req.body));

  app.delete('/api/v1/people/:ref', {
    config: { permission: 'people.write' },
    schema: { tags, summary: 'Offboard a person (final; revokes every token)', params: refParams, response: { 200: personSchema, ...problemResponses } },
  }, async (req) => people.offboard(req.actor!, req.params.ref));
}
