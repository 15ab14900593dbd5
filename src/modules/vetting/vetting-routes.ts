/** @module vetting/vetting-routes — HTTP transport for vetting, training completions and readiness; no rules here, only the services. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../composition.ts';
import { idParams, problemResponses } from '../../http/schemas.ts';
import { engagementReadinessSchema, readinessParams, readinessSchema } from './readiness-types.ts';
import {
  backgroundCheckSchema, decideRedFlagSchema, flagParams, personParams, quizResultSchema, raiseRedFlagSchema, recordBackgroundCheckSchema,
  recordQuizResultSchema, recordReferenceCheckSchema, recordTrainingSchema, redFlagSchema, referenceCheckSchema, trainingCompletionSchema,
  vettingRecordSchema,
} from './vetting-types.ts';

/** Mount the vetting, training and readiness routes. @example registerVettingRoutes(app, services); */
export function registerVettingRoutes(fastify: FastifyInstance, { vetting, readiness }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['vetting'];
  const base = '/api/v1/people/:ref/vetting';

  app.get(base, {
    config: { permission: 'vetting.read' },
    schema: { tags, summary: 'Every vetting record and training completion of a person (id or handle)', params: personParams, response: { 200: vettingRecordSchema, ...problemResponses } },
  }, async (req) => vetting.show(req.actor!, req.params.ref));

  app.post(`${base}/background-checks`, {
    config: { permission: 'vetting.write' },
    schema: { tags, summary: 'Record a background check (the latest one counts)', params: personParams, body: recordBackgroundCheckSchema, response: { 201: backgroundCheckSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await vetting.recordBackgroundCheck(req.actor!, req.params.ref, req.body)));

  app.post(`${base}/reference-checks`, {
    config: { permission: 'vetting.write' },
    schema: { tags, summary: 'Record a reference check', params: personParams, body: recordReferenceCheckSchema, response: { 201: referenceCheckSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await vetting.recordReferenceCheck(req.actor!, req.params.ref, req.body)));

  app.post(`${base}/quiz-results`, {
    config: { permission: 'vetting.write' },
    schema: { tags, summary: 'Record a quiz attempt (passed when score ≥ pass mark; the latest attempt counts)', params: personParams, body: recordQuizResultSchema, response: { 201: quizResultSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await vetting.recordQuizResult(req.actor!, req.params.ref, req.body)));

  app.post(`${base}/red-flags`, {
    config: { permission: 'vetting.write' },
    schema: { tags, summary: 'Raise a red flag (blocks readiness until a reviewer clears it)', params: personParams, body: raiseRedFlagSchema, response: { 201: redFlagSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await vetting.raiseRedFlag(req.actor!, req.params.ref, req.body)));

  app.post('/api/v1/vetting/red-flags/:id/decision', {
    config: { permission: 'vetting.write' },
    schema: { tags, summary: 'Clear or uphold a red flag, with the reviewer\'s comment', params: flagParams, body: decideRedFlagSchema, response: { 200: redFlagSchema, ...problemResponses } },
  }, async (req) => vetting.decideRedFlag(req.actor!, req.params.id, req.body));

  app.post('/api/v1/people/:ref/training', {
    config: { permission: 'training.write' },
    schema: { tags: ['training'], summary: 'Record a completed training module', params: personParams, body: recordTrainingSchema, response: { 201: trainingCompletionSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await vetting.recordTraining(req.actor!, req.params.ref, req.body)));

  app.get('/api/v1/engagements/:id/readiness', {
    config: { permission: 'readiness.read' },
    schema: { tags: ['engagements'], summary: 'Readiness of every developer on the engagement, with each unmet requirement', params: idParams, response: { 200: engagementReadinessSchema, ...problemResponses } },
  }, async (req) => readiness.forEngagement(req.actor!, req.params.id));

  app.get('/api/v1/engagements/:id/readiness/:personRef', {
    config: { permission: 'readiness.read' },
    schema: { tags: ['engagements'], summary: 'Readiness of one developer (id or handle) on the engagement', params: readinessParams, response: { 200: readinessSchema, ...problemResponses } },
  }, async (req) => readiness.forDeveloper(req.actor!, req.params.id, req.params.personRef));
}
