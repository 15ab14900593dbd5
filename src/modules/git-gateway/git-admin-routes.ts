/** @module git-gateway/git-admin-routes — admin API: how a git_repository resource is served (hosted or upstream). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../composition.ts';
import { problemResponses, refParams } from '../../http/schemas.ts';
import { configureRepositorySchema, gitRepositorySchema } from './git-repository-types.ts';

export function registerGitAdminRoutes(fastify: FastifyInstance, { gitRepositories }: Services) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['git'];

  app.get('/api/v1/git/repositories/:ref', {
    config: { permission: 'git.repositories.read' },
    schema: {
      tags, summary: 'How a git_repository resource is served (ref: id, or name with "/" as %2F)',
      params: refParams, response: { 200: gitRepositorySchema, ...problemResponses },
    },
  }, async (req) => gitRepositories.get(req.actor!, req.params.ref));

  app.put('/api/v1/git/repositories/:ref', {
    config: { permission: 'git.repositories.write' },
    schema: {
      tags, summary: 'Serve a git_repository resource as a hosted repository (created empty if missing) or through an upstream with a sealed credential',
      params: refParams, body: configureRepositorySchema, response: { 200: gitRepositorySchema, ...problemResponses },
    },
  }, async (req) => gitRepositories.configure(req.actor!, req.params.ref, req.body));
}
