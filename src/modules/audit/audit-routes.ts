/** @module audit/audit-routes — reading the audit-event outbox (admins and auditors). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../composition.ts';
import { pageOf, problemResponses } from '../../http/schemas.ts';
import { auditEventSchema, auditQuerySchema } from './audit-types.ts';

export function registerAuditRoutes(fastify: FastifyInstance, { audit }: Services) {
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
}
