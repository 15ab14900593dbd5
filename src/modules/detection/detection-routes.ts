/** @module detection/detection-routes — HTTP transport for alerts and notification channels; rules live in the services. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../composition.ts';
import { idParams, pageOf, problemResponses, refParams } from '../../http/schemas.ts';
import {
  acknowledgeBodySchema, alertDetailSchema, alertSchema, assignBodySchema, channelSchema, createChannelSchema, createdChannelSchema,
  listAlertsQuerySchema, listChannelsQuerySchema, resolveBodySchema,
} from './detection-types.ts';

export function registerDetectionRoutes(fastify: FastifyInstance, { alerts, alertChannels }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['alerts'];

  app.get('/api/v1/alerts', {
    config: { permission: 'alerts.read' },
    schema: { tags, summary: 'List alerts (oldest first; filter by status, least severity, rule, developer, engagement, assignee, time)', querystring: listAlertsQuerySchema, response: { 200: pageOf(alertSchema), ...problemResponses } },
  }, async (req) => alerts.list(req.actor!, req.query));

  app.get('/api/v1/alerts/:id', {
    config: { permission: 'alerts.read' },
    schema: { tags, summary: 'An alert with the events that caused it and their log positions', params: idParams, response: { 200: alertDetailSchema, ...problemResponses } },
  }, async (req) => alerts.get(req.actor!, req.params.id));

  app.post('/api/v1/alerts/:id/acknowledge', {
    config: { permission: 'alerts.manage' },
    schema: { tags, summary: 'Acknowledge an alert (someone is looking at it)', params: idParams, body: acknowledgeBodySchema, response: { 200: alertDetailSchema, ...problemResponses } },
  }, async (req) => alerts.acknowledge(req.actor!, req.params.id, req.body.comment));

  app.post('/api/v1/alerts/:id/assign', {
    config: { permission: 'alerts.manage' },
    schema: { tags, summary: 'Assign an alert to an admin (null unassigns)', params: idParams, body: assignBodySchema, response: { 200: alertDetailSchema, ...problemResponses } },
  }, async (req) => alerts.assign(req.actor!, req.params.id, req.body.assignee));

  app.post('/api/v1/alerts/:id/resolve', {
    config: { permission: 'alerts.manage' },
    schema: { tags, summary: 'Resolve an alert, saying what was found and done (final)', params: idParams, body: resolveBodySchema, response: { 200: alertDetailSchema, ...problemResponses } },
  }, async (req) => alerts.resolve(req.actor!, req.params.id, req.body.resolution));

  app.get('/api/v1/alerts/channels', {
    config: { permission: 'alerts.channels.read' },
    schema: { tags, summary: 'List notification channels', querystring: listChannelsQuerySchema, response: { 200: pageOf(channelSchema), ...problemResponses } },
  }, async (req) => alertChannels.list(req.actor!, req.query));

  app.post('/api/v1/alerts/channels', {
    config: { permission: 'alerts.channels.write' },
    schema: { tags, summary: 'Add a notification channel: signed webhook, Slack-compatible webhook or SMTP email', body: createChannelSchema, response: { 201: createdChannelSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await alertChannels.create(req.actor!, req.body)));

  app.get('/api/v1/alerts/channels/:ref', {
    config: { permission: 'alerts.channels.read' },
    schema: { tags, summary: 'A notification channel by id or name, with its delivery counts', params: refParams, response: { 200: channelSchema, ...problemResponses } },
  }, async (req) => alertChannels.get(req.actor!, req.params.ref));

  app.delete('/api/v1/alerts/channels/:ref', {
    config: { permission: 'alerts.channels.write' },
    schema: { tags, summary: 'Remove a notification channel (its pending deliveries are cancelled)', params: refParams, response: { 200: channelSchema, ...problemResponses } },
  }, async (req) => alertChannels.remove(req.actor!, req.params.ref));
}
