/** @module audit/audit-routes — reading the audit events and the tamper-evident log (admins and auditors). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../composition.ts';
import { pageOf, problemResponses } from '../../http/schemas.ts';
import { registerAuditLogRoutes } from './audit-log-routes.ts';
import { auditEventSchema, auditQuerySchema } from './audit-types.ts';

export function registerAuditRoutes(fastify: FastifyInstance, services: Services) {
  const { audit } = services;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/api/v1/audit/events', {
    config: { permission: 'audit.read' },
    schema: {
      tags: ['audit'],
      summary: 'Query audit events by time range, actor, type, target, engagement and outcome',
      querystring: auditQuerySchema,
      response: { 200: pageOf(auditEventSchema), ...problemResponses },
    },
  }, async (req) => audit.list(req.actor!, req.query));
  registerAuditLogRoutes(fastify, services);
}
