/** @module reviews/review-routes — HTTP transport for access reviews; no rules here, only the service. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../composition.ts';
import { idParams, pageOf, problemResponses } from '../../http/schemas.ts';
import { reportCsv } from './review-csv.ts';
import {
  campaignDetailSchema, campaignSchema, createCampaignSchema, decideItemSchema, itemParams, listCampaignsQuerySchema, reportQuerySchema,
  reportSchema, reviewItemSchema,
} from './review-types.ts';

/** Mount the access-review routes. @example registerReviewRoutes(app, services); */
export function registerReviewRoutes(fastify: FastifyInstance, { reviews }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['reviews'];

  app.post('/api/v1/reviews', {
    config: { permission: 'reviews.write' },
    schema: {
      tags, summary: 'Start an access-review campaign over the active grants in a scope; each grant goes to its resource owner',
      body: createCampaignSchema, response: { 201: campaignDetailSchema, ...problemResponses },
    },
  }, async (req, reply) => reply.code(201).send(await reviews.create(req.actor!, req.body)));

  app.get('/api/v1/reviews', {
    config: { permission: 'reviews.read' },
    schema: { tags, summary: 'List review campaigns (approvers: those with grants assigned to them)', querystring: listCampaignsQuerySchema, response: { 200: pageOf(campaignSchema), ...problemResponses } },
  }, async (req) => reviews.list(req.actor!, req.query));

  app.get('/api/v1/reviews/:id', {
    config: { permission: 'reviews.read' },
    schema: { tags, summary: 'A campaign with its grants under review, their last use and dormancy (approvers: only theirs)', params: idParams, response: { 200: campaignDetailSchema, ...problemResponses } },
  }, async (req) => reviews.get(req.actor!, req.params.id));

  app.post('/api/v1/reviews/:id/items/:itemId/decision', {
    config: { permission: 'reviews.decide' },
    schema: {
      tags, summary: 'Keep or revoke one grant, with a comment; revoke takes effect at once',
      params: itemParams, body: decideItemSchema, response: { 200: reviewItemSchema, ...problemResponses },
    },
  }, async (req) => reviews.decide(req.actor!, req.params.id, req.params.itemId, req.body));

  app.get('/api/v1/reviews/:id/report', {
    config: { permission: 'reviews.read' },
    schema: {
      tags, summary: 'The campaign report: who reviewed what and when, the decisions, what was revoked (format=json or csv)',
      params: idParams, querystring: reportQuerySchema,
      produces: ['application/json', 'text/csv'],
      response: {
        200: { description: 'the report', content: { 'application/json': { schema: reportSchema }, 'text/csv': { schema: z.string() } } },
        ...problemResponses,
      },
    },
  }, async (req, reply) => {
    const report = await reviews.report(req.actor!, req.params.id);
    if (req.query.format === 'csv') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="access-review-${report.campaign.id}.csv"`)
        .send(reportCsv(report));
    }
    return reply.type('application/json').send(reportSchema.parse(report));
  });
}
