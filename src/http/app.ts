/**
 * @module http/app — assembles the Fastify application: zod validation, authentication, the
 * permission check, problem+json errors, security headers, OpenAPI, and each module's routes.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { ServiceUnavailableError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Services } from '../composition.ts';
import { registerAccessAdminRoutes } from '../modules/access/access-admin-routes.ts';
import { registerAccessRoutes } from '../modules/access/access-routes.ts';
import { registerAuditExportRoutes } from '../modules/audit-export/export-routes.ts';
import { registerAuditRoutes } from '../modules/audit/audit-routes.ts';
import { registerTokenRoutes } from '../modules/auth/token-routes.ts';
import { registerEngagementRoutes } from '../modules/engagements/engagement-routes.ts';
import { registerIngestRoutes } from '../modules/ingest/ingest-routes.ts';
import { registerPeopleRoutes } from '../modules/people/people-routes.ts';
import { registerResourceRoutes } from '../modules/resources/resource-routes.ts';
import { registerVendorRoutes } from '../modules/vendors/vendor-routes.ts';
import { registerVettingRoutes } from '../modules/vetting/vetting-routes.ts';
import { registerAuthorizerRoutes } from '../modules/authorizer/authorizer-routes.ts';
import { registerPolicyRoutes } from '../modules/policy/policy-routes.ts';
import { registerReviewRoutes } from '../modules/reviews/review-routes.ts';
import { registerScannerRoutes } from '../modules/scanner/scanner-routes.ts';
import { registerDetectionRoutes } from '../modules/detection/detection-routes.ts';
import { registerPushRulesRoutes } from '../modules/git-gateway/push/push-rules-routes.ts';
import { registerGitAdminRoutes } from '../modules/git-gateway/git-admin-routes.ts';
import { registerGitRoutes } from '../modules/git-gateway/git-routes.ts';
import { installAuthentication } from './authenticate.ts';
import { installOpenApi, serveOpenApiDocument } from './openapi.ts';
import { installInputGuard } from './input-guard.ts';
import { installJsonBodyParser } from './json-body.ts';
import { clientErrorHandler, frameworkErrorHandler, installProblemHandlers } from './problem.ts';
import { OneLinePerRequest } from './request-log.ts';
import { installSecurityHeaders } from './security-headers.ts';
import './fastify-types.ts';

export interface AppOptions {
  services: Services;
  logger?: Logger | false;
  https?: { key: Buffer; cert: Buffer } | undefined;
  /** Trust X-Forwarded-For from the proxy in front (only with --behind-tls-proxy). */
  trustProxy?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/**
 * Build the application (not yet listening).
 * @example const app = await buildApp({ services }); await app.listen({ port: 7443 });
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const base: FastifyServerOptions = {
    bodyLimit: 1024 * 1024,
    trustProxy: opts.trustProxy ?? false,
    // Accept a caller's request id only if it is harmless to log and echo back.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    requestIdHeader: false,
    // Requests arriving while the server stops get a 503 problem from http/problem.ts instead.
    return503OnClosing: false,
    // Requests rejected before routing (bad percent-encoding, garbled HTTP) still get problem+json.
    frameworkErrors: frameworkErrorHandler({ https: Boolean(opts.https) }),
    clientErrorHandler: clientErrorHandler({ https: Boolean(opts.https) }),
    ...(opts.logger ? { loggerInstance: opts.logger, logController: new OneLinePerRequest(opts.logger) } : { logger: false }),
  };
  // TLS 1.2 is the floor; Node negotiates 1.3 where the client can.
  const app = (
    opts.https
      ? Fastify({ ...base, https: { ...opts.https, minVersion: 'TLSv1.2' } } as FastifyServerOptions)
      : Fastify(base)
  ) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const { services } = opts;
  installProblemHandlers(app, { db: services.db, audit: services.audit });
  installSecurityHeaders(app, { https: Boolean(opts.https) });
  installAuthentication(app, services.tokens);
  installJsonBodyParser(app);
  installInputGuard(app);
  await installOpenApi(app);

  // Healthy means the database answers: a load balancer should stop sending traffic otherwise.
  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => {
    try {
      await services.db.query('SELECT 1');
    } catch {
      throw new ServiceUnavailableError('the database does not answer');
    }
    return { status: 'ok' };
  });
  registerPeopleRoutes(app, services);
  registerVendorRoutes(app, services);
  registerEngagementRoutes(app, services);
  registerResourceRoutes(app, services);
  registerTokenRoutes(app, services);
  registerAuditRoutes(app, services);
  registerVettingRoutes(app, services);
  registerAccessRoutes(app, services);
  registerAccessAdminRoutes(app, services);
  registerPolicyRoutes(app, services);
  registerAuthorizerRoutes(app, services);
  registerReviewRoutes(app, services);
  registerScannerRoutes(app, services);
  registerDetectionRoutes(app, services);
  registerPushRulesRoutes(app, services);
  registerGitAdminRoutes(app, services);
  // The git gateway at /git/<name>.git: HTTP Basic with git-scoped tokens, outside /api and the OpenAPI document.
  registerGitRoutes(app, services);
  registerIngestRoutes(app, services);
  registerAuditExportRoutes(app, services);
  serveOpenApiDocument(app);
  return app;
}
