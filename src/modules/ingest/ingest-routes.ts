/**
 * @module ingest/ingest-routes — HTTP transport for ingestion. The bodies are read as raw bytes
 * (an auth.log line is hashed as sent; a GitHub signature covers the exact bytes), so the three
 * POST routes live in their own plugin scope with their own body parsers.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../composition.ts';
import { ForbiddenError, UnauthenticatedError } from '../../core/errors.ts';
import { scrubTokens } from '../../core/secret-token.ts';
import { originOf } from '../../http/authenticate.ts';
import { problemResponses } from '../../http/schemas.ts';
import { isPermitted } from '../auth/permissions.ts';
import { githubSecretResultSchema, ingestReportSchema, ingestStatsSchema, setGithubSecretSchema, sshdQuerySchema } from './ingest-types.ts';

export const MAX_INGEST_BODY_BYTES = 4 * 1024 * 1024;
const BODY_TYPES = ['application/json', 'application/x-ndjson', 'application/jsonl', 'text/plain', 'application/octet-stream'];

const rawBody = z
  .custom<Buffer>((v) => Buffer.isBuffer(v), { message: `send the events as the request body (${BODY_TYPES.join(', ')})` })
  .meta({ type: 'string', format: 'binary', description: `at most ${MAX_INGEST_BODY_BYTES / 1024 / 1024} MiB` });
const responses = { 200: ingestReportSchema, ...problemResponses, 413: problemResponses[400], 415: problemResponses[400] };

function bearerOf(header: string): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

/** Mount the ingestion routes. @example registerIngestRoutes(app, services); */
export function registerIngestRoutes(fastify: FastifyInstance, services: Services) {
  const { ingest, tokens } = services;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['ingest'];

  app.get('/api/v1/ingest/stats', {
    config: { permission: 'ingest.read' },
    schema: { tags, summary: 'Totals per source: accepted, duplicates, rejected (with the latest reasons), skipped', response: { 200: ingestStatsSchema, ...problemResponses } },
  }, async (req) => ingest.stats(req.actor!));

  app.put('/api/v1/ingest/github/secret', {
    config: { permission: 'ingest.write' },
    schema: {
      tags, summary: 'Set the GitHub webhook secret (or have one generated, shown once)',
      body: setGithubSecretSchema.nullish(), response: { 200: githubSecretResultSchema, ...problemResponses },
    },
  }, async (req) => ingest.setGithubSecret(req.actor!, req.body?.secret));

  app.delete('/api/v1/ingest/github/secret', {
    config: { permission: 'ingest.write' },
    schema: { tags, summary: 'Remove the GitHub webhook secret: webhook deliveries are refused until a new one is set', response: { 200: githubSecretResultSchema, ...problemResponses } },
  }, async (req) => ingest.removeGithubSecret(req.actor!));

  void fastify.register(async (scope) => {
    // Raw bytes for every body type these routes take; the parsers exist only inside this scope.
    for (const t of ['application/json', 'text/plain']) scope.removeContentTypeParser(t);
    scope.addContentTypeParser(BODY_TYPES, { parseAs: 'buffer', bodyLimit: MAX_INGEST_BODY_BYTES }, (_req, body, done) => done(null, body));
    const raw = scope.withTypeProvider<ZodTypeProvider>();

    raw.post('/api/v1/ingest/sshd', {
      bodyLimit: MAX_INGEST_BODY_BYTES,
      config: { permission: 'ingest.write' },
      schema: {
        tags, summary: 'Ingest OpenSSH server log lines (auth.log or journal text) from one host',
        consumes: ['text/plain', 'application/octet-stream'], querystring: sshdQuerySchema, body: rawBody, response: responses,
      },
    }, async (req) => ingest.sshd(req.actor!, { host: req.query.host, year: req.query.year, tz: req.query.tz }, req.body));

    raw.post('/api/v1/ingest/events', {
      bodyLimit: MAX_INGEST_BODY_BYTES,
      config: { permission: 'ingest.write' },
      schema: {
        tags, summary: 'Ingest generic events (one, an array, or NDJSON) in the documented shape',
        consumes: ['application/json', 'application/x-ndjson'], body: rawBody, response: responses,
      },
    }, async (req) => ingest.events(req.actor!, req.body));

    /** Record a failed authentication of the webhook route and refuse the request. */
    const refuse = async (req: FastifyRequest, reason: string): Promise<never> => {
      await tokens.recordFailure(originOf(req), reason, { method: 'github-hmac', route: scrubTokens(req.url.split('?')[0] ?? '') });
      throw new UnauthenticatedError('send a valid GitHub webhook signature (X-Hub-Signature-256) or an API token');
    };

    raw.post('/api/v1/ingest/github', {
      bodyLimit: MAX_INGEST_BODY_BYTES,
      // Public: GitHub cannot send a Palisade token. The route authenticates by itself — an API token
      // holding ingest.write (onRequest, before the body is read), or else the webhook's HMAC
      // signature over the body (preHandler). Anything else is 401, recorded as auth.failed.
      config: { public: true, permission: 'ingest.write' },
      onRequest: async (req) => {
        const authorization = req.headers.authorization;
        if (authorization !== undefined) {
          const token = bearerOf(authorization);
          if (!token) {
            await tokens.recordFailure(originOf(req), 'malformed authorization header', { route: scrubTokens(req.url.split('?')[0] ?? '') });
            throw new UnauthenticatedError('send an API token as "Authorization: Bearer pal_…"');
          }
          req.actor = await tokens.authenticate(token, originOf(req));
          if (!isPermitted(req.actor, 'ingest.write')) throw new ForbiddenError(`role '${req.actor.role}' may not use this route`);
          return;
        }
        if (req.headers['x-hub-signature-256'] === undefined) await refuse(req, 'no credentials');
      },
      preHandler: async (req) => {
        if (req.actor) return;
        const signature = req.headers['x-hub-signature-256'];
        const check = await ingest.checkGithubSignature(req.body as Buffer, typeof signature === 'string' ? signature : undefined);
        if (check !== 'valid') await refuse(req, `GitHub webhook signature: ${check}`);
      },
      schema: {
        tags,
        summary: 'Ingest GitHub audit log events (one, an array, or NDJSON): GitHub webhook (X-Hub-Signature-256) or API token',
        consumes: ['application/json', 'application/x-ndjson'],
        security: [{ githubSignature: [] }, { bearerAuth: [] }],
        body: rawBody,
        response: responses,
      },
    }, async (req) => {
      // GitHub sends a ping when the webhook is created: nothing to record.
      if (req.headers['x-github-event'] === 'ping') {
        return { source: 'github' as const, accepted: 0, duplicates: 0, rejected: 0, skipped: 1, skippedReasons: { 'GitHub ping': 1 }, errors: [], errorsTruncated: false };
      }
      const actor = req.actor ?? { kind: 'system' as const, ip: null, userAgent: null, requestId: String(req.id) };
      return ingest.github(actor, req.body);
    });
  });
}
