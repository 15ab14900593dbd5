/**
 * @module scanner/scanner-routes — HTTP transport for scans: `POST /api/v1/scans/files` (the file's raw
 * bytes as the body) and `POST /api/v1/scans/commits` (a commit range of a hosted repository). Answers in
 * JSON, or SARIF 2.1.0 with `?format=sarif` or `Accept: application/sarif+json`; secrets always redacted.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../composition.ts';
import { problemResponses, problemSchema } from '../../http/schemas.ts';
import { jsonReport } from './format/json.ts';
import { formatSarif } from './format/sarif.ts';
import type { ScanOutcome } from './scanner-service.ts';
import {
  formatQuerySchema,
  MAX_UPLOAD_BYTES,
  SARIF_MEDIA_TYPE,
  sarifLogSchema,
  scanCommitsSchema,
  scanFileQuerySchema,
  scanReportSchema,
  UPLOAD_CONTENT_TYPE,
  type ScanFormat,
} from './scanner-types.ts';

const fileBody = z
  .custom<Buffer>((v) => Buffer.isBuffer(v), { message: `send the file's raw bytes with Content-Type ${UPLOAD_CONTENT_TYPE}` })
  .meta({ type: 'string', format: 'binary', description: `the file, at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB` });

const reportResponses = {
  200: {
    description: 'the findings (secrets redacted) and totals',
    content: { 'application/json': { schema: scanReportSchema }, [SARIF_MEDIA_TYPE]: { schema: sarifLogSchema } },
  },
  ...problemResponses,
};

/**
 * The output format: `?format=` wins, then an Accept header naming SARIF, else JSON.
 * @example chooseFormat(undefined, 'application/sarif+json') // 'sarif'
 */
export function chooseFormat(query: ScanFormat | undefined, accept: string | undefined): ScanFormat {
  if (query) return query;
  return accept !== undefined && accept.toLowerCase().includes(SARIF_MEDIA_TYPE) ? 'sarif' : 'json';
}

function sendReport(request: FastifyRequest, reply: FastifyReply, format: ScanFormat | undefined, outcome: ScanOutcome) {
  if (chooseFormat(format, request.headers.accept) === 'sarif') return reply.type(SARIF_MEDIA_TYPE).send(formatSarif(outcome.report));
  return reply.type('application/json').send({ ...jsonReport(outcome.report), target: outcome.target });
}

/** Mount the scan routes. @example registerScannerRoutes(app, services); */
export function registerScannerRoutes(fastify: FastifyInstance, services: Services) {
  const { scans } = services;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['scans'];

  app.post('/api/v1/scans/commits', {
    config: { permission: 'scans.repositories' },
    schema: {
      tags,
      summary: 'Scan the lines added by a range of commits of a hosted repository',
      querystring: formatQuerySchema,
      body: scanCommitsSchema,
      response: reportResponses,
    },
  }, async (req, reply) => sendReport(req, reply, req.query.format, await scans.scanCommits(req.actor!, req.body)));

  // The raw-bytes parser exists only inside this plugin, so no other route accepts such bodies.
  void fastify.register(async (scope) => {
    scope.addContentTypeParser(UPLOAD_CONTENT_TYPE, { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) => done(null, body));
    const uploads = scope.withTypeProvider<ZodTypeProvider>();
    uploads.post('/api/v1/scans/files', {
      bodyLimit: MAX_UPLOAD_BYTES,
      config: { permission: 'scans.files' },
      schema: {
        tags,
        summary: 'Scan an uploaded file for secrets (and, with pii=true, personal data)',
        consumes: [UPLOAD_CONTENT_TYPE],
        querystring: scanFileQuerySchema,
        body: fileBody,
        response: { ...reportResponses, 413: problemSchema },
      },
    }, async (req, reply) =>
      sendReport(req, reply, req.query.format, await scans.scanFile(req.actor!, { name: req.query.name, content: req.body, personalData: req.query.pii })),
    );
  });
}
