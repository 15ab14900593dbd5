/** @module access/access-routes — HTTP transport for access requests, decisions and grants; no rules here, only the services. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../composition.ts';
import { idParams, pageOf, problemResponses } from '../../http/schemas.ts';
import {
  accessRequestSchema, approveSchema, cancelSchema, createAccessRequestSchema, denySchema, grantSchema, listAccessRequestsQuerySchema,
  listGrantsQuerySchema, revokeGrantSchema,
} from './access-types.ts';

/** Mount the request and grant routes. @example registerAccessRoutes(app, services); */
export function registerAccessRoutes(fastify: FastifyInstance, { accessRequests, grants }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['access'];

  app.post('/api/v1/access-requests', {
    config: { permission: 'access.request' },
    schema: {
      tags, summary: 'Request access; the policy denies it, approves it at once, or sends it to approvers (see status and policy)',
      body: createAccessRequestSchema, response: { 201: accessRequestSchema, ...problemResponses },
    },
  }, async (req, reply) => reply.code(201).send(await accessRequests.create(req.actor!, req.body)));

  app.get('/api/v1/access-requests', {
    config: { permission: 'access.read' },
    schema: { tags, summary: 'List access requests (developers: their own; pendingFor=me: your inbox as an approver)', querystring: listAccessRequestsQuerySchema, response: { 200: pageOf(accessRequestSchema), ...problemResponses } },
  }, async (req) => accessRequests.list(req.actor!, req.query));

  app.get('/api/v1/me/access-requests', {
    config: { permission: 'me.read' },
    schema: { tags, summary: 'Access requests for you or made by you', querystring: listAccessRequestsQuerySchema, response: { 200: pageOf(accessRequestSchema), ...problemResponses } },
  }, async (req) => accessRequests.mine(req.actor!, req.query));

  app.get('/api/v1/access-requests/:id', {
    config: { permission: 'access.read' },
    schema: { tags, summary: 'An access request with every decision on it', params: idParams, response: { 200: accessRequestSchema, ...problemResponses } },
  }, async (req) => accessRequests.get(req.actor!, req.params.id));

  app.post('/api/v1/access-requests/:id/approve', {
    config: { permission: 'access.decide' },
    schema: { tags, summary: 'Approve as the resource owner or a designated approver (never your own request)', params: idParams, body: approveSchema.nullish(), response: { 200: accessRequestSchema, ...problemResponses } },
  }, async (req) => accessRequests.approve(req.actor!, req.params.id, req.body?.comment));

  app.post('/api/v1/access-requests/:id/deny', {
    config: { permission: 'access.decide' },
    schema: { tags, summary: 'Deny, with a comment; one denial denies the request', params: idParams, body: denySchema, response: { 200: accessRequestSchema, ...problemResponses } },
  }, async (req) => accessRequests.deny(req.actor!, req.params.id, req.body.comment));

  app.post('/api/v1/access-requests/:id/cancel', {
    config: { permission: 'access.request' },
    schema: { tags, summary: 'Withdraw a pending request (the requester, the developer it is for, or an admin)', params: idParams, body: cancelSchema.nullish(), response: { 200: accessRequestSchema, ...problemResponses } },
  }, async (req) => accessRequests.cancel(req.actor!, req.params.id, req.body?.reason));

  app.get('/api/v1/grants', {
    config: { permission: 'grants.read' },
    schema: { tags, summary: 'List grants (developers: their own)', querystring: listGrantsQuerySchema, response: { 200: pageOf(grantSchema), ...problemResponses } },
  }, async (req) => grants.list(req.actor!, req.query));

  app.get('/api/v1/grants/:id', {
    config: { permission: 'grants.read' },
    schema: { tags, summary: 'A grant', params: idParams, response: { 200: grantSchema, ...problemResponses } },
  }, async (req) => grants.get(req.actor!, req.params.id));

  app.delete('/api/v1/grants/:id', {
    config: { permission: 'grants.revoke' },
    schema: { tags, summary: 'Revoke a grant now, with a reason (admins, or the resource owner)', params: idParams, body: revokeGrantSchema, response: { 200: grantSchema, ...problemResponses } },
  }, async (req) => grants.revoke(req.actor!, req.params.id, req.body.reason));
}
