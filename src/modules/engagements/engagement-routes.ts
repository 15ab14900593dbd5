/**
 * @module engagements/engagement-routes — HTTP transport for engagements; no rules here, only the
 * service. Status changes have their own routes (POST …/activate, POST …/suspend, DELETE = end)
 * because each has its own preconditions and audit event; PATCH edits data only.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../composition.ts';
import { idParams, pageOf, problemResponses } from '../../http/schemas.ts';
import { termOfSlug } from './engagement-fns.ts';
import {
  addDeveloperSchema,
  developerDutySchema,
  createEngagementSchema,
  developerParams,
  DOCUMENT_CONTENT_TYPES,
  documentSchema,
  engagementSchema,
  listEngagementsQuerySchema,
  MAX_DOCUMENT_BYTES,
  signTermSchema,
  termParams,
  updateEngagementSchema,
} from './engagement-types.ts';

const documentBody = z
  .custom<Buffer>((v) => Buffer.isBuffer(v), {
    message: `send the signed document's raw bytes with Content-Type ${DOCUMENT_CONTENT_TYPES.join(' or ')}`,
  })
  .meta({ type: 'string', format: 'binary', description: `the signed document, at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB` });
const binary = z.custom<Buffer>((v) => Buffer.isBuffer(v)).meta({ type: 'string', format: 'binary' });

/** Mount the engagement routes, including the raw-body document routes. @example registerEngagementRoutes(app, services); */
export function registerEngagementRoutes(fastify: FastifyInstance, services: Services) {
  const { engagements } = services;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['engagements'];

  app.get('/api/v1/engagements', {
    config: { permission: 'engagements.read' },
    schema: { tags, summary: 'List engagements (developers: only those they are on)', querystring: listEngagementsQuerySchema, response: { 200: pageOf(engagementSchema), ...problemResponses } },
  }, async (req) => engagements.list(req.actor!, req.query));

  app.post('/api/v1/engagements', {
    config: { permission: 'engagements.write' },
    schema: { tags, summary: 'Create an engagement (status draft)', body: createEngagementSchema, response: { 201: engagementSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await engagements.create(req.actor!, req.body)));

  app.get('/api/v1/engagements/:id', {
    config: { permission: 'engagements.read' },
    schema: { tags, summary: 'Get an engagement', params: idParams, response: { 200: engagementSchema, ...problemResponses } },
  }, async (req) => engagements.get(req.actor!, req.params.id));

  app.patch('/api/v1/engagements/:id', {
    config: { permission: 'engagements.write' },
    schema: { tags, summary: 'Update an engagement\'s data (not its status or signed terms)', params: idParams, body: updateEngagementSchema, response: { 200: engagementSchema, ...problemResponses } },
  }, async (req) => engagements.update(req.actor!, req.params.id, req.body));

  app.delete('/api/v1/engagements/:id', {
    config: { permission: 'engagements.write' },
    schema: { tags, summary: 'End an engagement (final)', params: idParams, response: { 200: engagementSchema, ...problemResponses } },
  }, async (req) => engagements.end(req.actor!, req.params.id));

  app.post('/api/v1/engagements/:id/activate', {
    config: { permission: 'engagements.write' },
    schema: { tags, summary: 'Activate a draft or resume a suspended engagement (needs the signed terms)', params: idParams, response: { 200: engagementSchema, ...problemResponses } },
  }, async (req) => engagements.activate(req.actor!, req.params.id));

  app.post('/api/v1/engagements/:id/suspend', {
    config: { permission: 'engagements.write' },
    schema: { tags, summary: 'Suspend an active engagement', params: idParams, response: { 200: engagementSchema, ...problemResponses } },
  }, async (req) => engagements.suspend(req.actor!, req.params.id));

  app.post('/api/v1/engagements/:id/developers', {
    config: { permission: 'engagements.write' },
    schema: { tags, summary: 'Put an external developer on the engagement', params: idParams, body: addDeveloperSchema, response: { 200: engagementSchema, ...problemResponses } },
  }, async (req) => engagements.addDeveloper(req.actor!, req.params.id, req.body.personId, req.body.duty ?? null));

  app.patch('/api/v1/engagements/:id/developers/:personId', {
    config: { permission: 'engagements.write' },
    schema: { tags, summary: 'Change a developer\'s duty on the engagement', params: developerParams, body: developerDutySchema, response: { 200: engagementSchema, ...problemResponses } },
  }, async (req) => engagements.setDeveloperDuty(req.actor!, req.params.id, req.params.personId, req.body.duty));

  app.delete('/api/v1/engagements/:id/developers/:personId', {
    config: { permission: 'engagements.write' },
    schema: { tags, summary: 'Take a developer off the engagement', params: developerParams, response: { 200: engagementSchema, ...problemResponses } },
  }, async (req) => engagements.removeDeveloper(req.actor!, req.params.id, req.params.personId));

  app.put('/api/v1/engagements/:id/contract/:term', {
    config: { permission: 'engagements.write' },
    schema: { tags, summary: 'Record a signed contract term (nda, dpa, ip-ownership) by its document\'s SHA-256', params: termParams, body: signTermSchema, response: { 200: engagementSchema, ...problemResponses } },
  }, async (req) => engagements.signTerm(req.actor!, req.params.id, termOfSlug(req.params.term), req.body));

  // Raw document bodies: the parsers exist only inside this plugin, so no other route accepts them.
  void fastify.register(async (scope) => {
    scope.addContentTypeParser([...DOCUMENT_CONTENT_TYPES], { parseAs: 'buffer', bodyLimit: MAX_DOCUMENT_BYTES }, (_req, body, done) => done(null, body));
    const docs = scope.withTypeProvider<ZodTypeProvider>();

    docs.put('/api/v1/engagements/:id/documents/:term', {
      bodyLimit: MAX_DOCUMENT_BYTES,
      config: { permission: 'engagements.write' },
      schema: {
        tags,
        summary: 'Upload the signed document of a recorded term; its SHA-256 must be the recorded one',
        consumes: [...DOCUMENT_CONTENT_TYPES],
        params: termParams,
        body: documentBody,
        response: { 200: documentSchema, 201: documentSchema, ...problemResponses, 413: problemResponses[400] },
      },
    }, async (req, reply) => {
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const { document, created } = await engagements.uploadDocument(req.actor!, req.params.id, termOfSlug(req.params.term), { content: req.body, contentType });
      return reply.code(created ? 201 : 200).send(document);
    });

    docs.get('/api/v1/engagements/:id/documents/:term', {
      config: { permission: 'engagements.read' },
      schema: {
        tags,
        summary: 'Download the signed document of a term',
        params: termParams,
        response: {
          200: { description: 'the document, as an attachment', content: Object.fromEntries(DOCUMENT_CONTENT_TYPES.map((t) => [t, { schema: binary }])) },
          ...problemResponses,
        },
      },
    }, async (req, reply) => {
      const { document, content } = await engagements.getDocument(req.actor!, req.params.id, termOfSlug(req.params.term));
      const extension = document.contentType === 'application/pdf' ? 'pdf' : 'bin';
      return reply
        .type(document.contentType)
        .header('content-disposition', `attachment; filename="${req.params.id}-${req.params.term}.${extension}"`)
        .header('x-content-sha256', document.sha256)
        .send(content);
    });
  });
}
