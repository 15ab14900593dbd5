/** @module audit-export/export-routes — streaming event export and the export sinks. */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../composition.ts';
import { idParams, pageOf, problemResponses } from '../../http/schemas.ts';
import { createSinkSchema, exportQuerySchema, listSinksQuerySchema, sinkSchema } from './export-types.ts';

const ndjson = z.custom<Readable>((v) => v instanceof Readable).meta({ type: 'string', description: 'one JSON event per line' });

/** Mount the export routes. @example registerAuditExportRoutes(app, services); */
export function registerAuditExportRoutes(fastify: FastifyInstance, { auditExport, auditSinks }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit'];

  app.get('/api/v1/audit/export/events', {
    config: { permission: 'audit.read' },
    schema: {
      tags,
      summary: 'Stream the log\'s events in log order as NDJSON: Palisade JSON (jsonl) or OCSF 1.3 (ocsf)',
      querystring: exportQuerySchema,
      produces: ['application/x-ndjson'],
      response: {
        200: { description: 'one event per line', content: { 'application/x-ndjson': { schema: ndjson } } },
        ...problemResponses,
      },
    },
  }, async (req, reply) => {
    const lines = auditExport.events(req.actor!, req.query);
    const format = req.query.format;
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="palisade-events.${format === 'ocsf' ? 'ocsf.' : ''}jsonl"`)
      .send(Readable.from(lines));
  });

  app.get('/api/v1/audit/sinks', {
    config: { permission: 'audit.sinks.read' },
    schema: { tags, summary: 'List export sinks with their position, lag and last error', querystring: listSinksQuerySchema, response: { 200: pageOf(sinkSchema), ...problemResponses } },
  }, async (req) => auditSinks.list(req.actor!, req.query));

  app.post('/api/v1/audit/sinks', {
    config: { permission: 'audit.sinks.write' },
    schema: { tags, summary: 'Add an export sink: an HTTP endpoint (NDJSON POSTs) or a syslog collector (RFC 5424 over TCP/TLS)', body: createSinkSchema, response: { 201: sinkSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await auditSinks.create(req.actor!, req.body)));

  app.get('/api/v1/audit/sinks/:id', {
    config: { permission: 'audit.sinks.read' },
    schema: { tags, summary: 'Get an export sink', params: idParams, response: { 200: sinkSchema, ...problemResponses } },
  }, async (req) => auditSinks.get(req.actor!, req.params.id));

  app.delete('/api/v1/audit/sinks/:id', {
    config: { permission: 'audit.sinks.write' },
    schema: { tags, summary: 'Remove an export sink (it stops receiving events; kept as removed)', params: idParams, response: { 200: sinkSchema, ...problemResponses } },
  }, async (req) => auditSinks.remove(req.actor!, req.params.id));
}
