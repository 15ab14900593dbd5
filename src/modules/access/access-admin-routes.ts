/** @module access/access-admin-routes — HTTP transport for the access settings and the designated approvers of resources. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../composition.ts';
import { problemResponses, refParams } from '../../http/schemas.ts';
import { addApproverSchema, approverParams, approverSchema } from './access-types.ts';
import { accessSettingsSchema, updateAccessSettingsSchema } from './settings-types.ts';

/** Mount the settings and approver routes. @example registerAccessAdminRoutes(app, services); */
export function registerAccessAdminRoutes(fastify: FastifyInstance, { settings, approvers }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const approverList = z.object({ items: z.array(approverSchema) });

  app.get('/api/v1/settings/access', {
    config: { permission: 'settings.read' },
    schema: { tags: ['settings'], summary: 'Maximum grant durations, pending-request lifetime and readiness requirements', response: { 200: accessSettingsSchema, ...problemResponses } },
  }, async (req) => settings.getAccess(req.actor!));

  app.patch('/api/v1/settings/access', {
    config: { permission: 'settings.write' },
    schema: { tags: ['settings'], summary: 'Change access settings (durations in ISO 8601)', body: updateAccessSettingsSchema, response: { 200: accessSettingsSchema, ...problemResponses } },
  }, async (req) => settings.updateAccess(req.actor!, req.body));

  app.get('/api/v1/resources/:ref/approvers', {
    config: { permission: 'resources.read' },
    schema: { tags: ['resources'], summary: 'Who approves access to the resource: its owner and designated approvers', params: refParams, response: { 200: approverList, ...problemResponses } },
  }, async (req) => ({ items: await approvers.list(req.actor!, req.params.ref) }));

  app.post('/api/v1/resources/:ref/approvers', {
    config: { permission: 'resources.write' },
    schema: { tags: ['resources'], summary: 'Designate an approver (an active member with the approver or admin role)', params: refParams, body: addApproverSchema, response: { 200: approverList, ...problemResponses } },
  }, async (req) => ({ items: await approvers.add(req.actor!, req.params.ref, req.body.person) }));

  app.delete('/api/v1/resources/:ref/approvers/:personRef', {
    config: { permission: 'resources.write' },
    schema: { tags: ['resources'], summary: 'Remove a designated approver (the owner always stays)', params: approverParams, response: { 200: approverList, ...problemResponses } },
  }, async (req) => ({ items: await approvers.remove(req.actor!, req.params.ref, req.params.personRef) }));
}
