/** @module audit/audit-log-routes — HTTP transport of the tamper-evident log (admins and auditors); no rules here. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../composition.ts';
import { idParams, problemResponses } from '../../http/schemas.ts';
import {
  checkpointQuerySchema, checkpointSchema, consistencyQuerySchema, consistencySchema, eventProofQuerySchema, eventProofSchema,
  exportPageSchema, exportQuerySchema, verifierKeySchema,
} from './audit-log-types.ts';

/**
 * Register the log routes under /api/v1/audit.
 * @example registerAuditLogRoutes(app, services);
 */
export function registerAuditLogRoutes(fastify: FastifyInstance, { auditLog }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit'];
  const config = { permission: 'audit.read' as const };

  app.get('/api/v1/audit/checkpoint', {
    config,
    schema: { tags, summary: 'The latest signed checkpoint (or one of a given tree size)', querystring: checkpointQuerySchema, response: { 200: checkpointSchema, ...problemResponses } },
  }, async (req) => auditLog.checkpoint(req.actor!, req.query));

  app.get('/api/v1/audit/verifier-key', {
    config,
    schema: { tags, summary: 'The verifier key of the log signing key (pin it for offline verification)', response: { 200: verifierKeySchema, ...problemResponses } },
  }, async (req) => auditLog.verifierKey(req.actor!));

  app.get('/api/v1/audit/events/:id', {
    config,
    schema: {
      tags, summary: 'One audit event with its leaf index and inclusion proof', params: idParams, querystring: eventProofQuerySchema,
      response: { 200: eventProofSchema, ...problemResponses },
    },
  }, async (req) => auditLog.eventProof(req.actor!, req.params.id, req.query.treeSize));

  app.get('/api/v1/audit/consistency', {
    config,
    schema: { tags, summary: 'Consistency proof between two tree sizes', querystring: consistencyQuerySchema, response: { 200: consistencySchema, ...problemResponses } },
  }, async (req) => auditLog.consistency(req.actor!, req.query.from, req.query.to));

  app.get('/api/v1/audit/export/entries', {
    config,
    schema: {
      tags, summary: 'Log entries by leaf index with their stored leaf hashes (bulk export, up to 10,000 per page)',
      querystring: exportQuerySchema, response: { 200: exportPageSchema, ...problemResponses },
    },
  }, async (req) => auditLog.exportEntries(req.actor!, req.query));
}
