/**
 * @module git-gateway/git-repository-service — how each git_repository resource is served: a hosted bare
 * repository under `<data folder>/repos/`, or an upstream smart-HTTP URL with a credential sealed under the
 * master key. The gateway resolves a requested name here; nothing else turns a name into a path or a URL.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { Clock } from '../../core/clock.ts';
import { openEnvelope, sealEnvelope } from '../../core/envelope.ts';
import { ConflictError, ServiceUnavailableError } from '../../core/errors.ts';
import type { Database } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import type { ResourceService } from '../resources/resource-service.ts';
import type { Resource } from '../resources/resource-types.ts';
import { existingHostedRepository, hostedRepositoryPath } from '../scanner/git/hosted.ts';
import * as store from './git-repository-store.ts';
import type { ConfigureRepositoryInput, GitRepository } from './git-repository-types.ts';

const run = promisify(execFile);
const CREDENTIAL_PURPOSE = 'palisade:git-upstream-credential';

/** What the gateway serves for a name: a folder for `git http-backend`, or an upstream to relay to. */
export type GitTarget =
  | { mode: 'hosted'; resource: { id: string; name: string }; repoDir: string }
  | { mode: 'upstream'; resource: { id: string; name: string }; url: string; authorization: string };

export interface GitRepositoryService {
  /** Serve the resource as a hosted repository (creating an empty bare one if needed) or through an upstream. */
  configure(actor: AnyActor, ref: string, input: ConfigureRepositoryInput): Promise<GitRepository>;
  get(actor: AnyActor, ref: string): Promise<GitRepository>;
  /**
   * The target for a requested repository name, or null when there is none to serve: no such resource, not an
   * active git_repository, or (hosted) no repository folder. Only resource names become paths.
   */
  resolve(name: string): Promise<GitTarget | null>;
  readonly reposDir: string | null;
}

/**
 * Git settings every hosted repository gets: partial clone (`--filter`) and fetching a missing blob by id.
 * @example await run('git', ['-C', dir, 'config', ...HOSTED_CONFIG[0]]);
 */
export const HOSTED_CONFIG: [string, string][] = [
  ['uploadpack.allowFilter', 'true'],
  ['uploadpack.allowAnySHA1InWant', 'true'],
  ['http.receivepack', 'true'],
];

/** @example const repos = createGitRepositoryService({ db, clock, audit, resources, reposDir, masterKey }); */
export function createGitRepositoryService(deps: {
  db: Database; clock: Clock; audit: AuditService; resources: ResourceService; reposDir: string | null; masterKey: Uint8Array;
}): GitRepositoryService {
  const { db, clock, audit, resources, reposDir, masterKey } = deps;

  const loadRepositoryResource = async (actor: AnyActor, ref: string): Promise<Resource> => {
    const resource = await resources.get(actor, ref);
    if (resource.kind !== 'git_repository') throw new ConflictError(`${resource.name} is a ${resource.kind}, not a git_repository`);
    return resource;
  };

  const view = (resource: Resource, row: store.GitRepositoryRow | null): GitRepository => ({
    resourceId: resource.id,
    name: resource.name,
    mode: row?.mode ?? 'hosted',
    path: `/git/${resource.name}.git`,
    upstreamUrl: row?.upstreamUrl ?? null,
    upstreamUsername: row?.upstreamUsername ?? null,
    hasUpstreamSecret: row?.upstreamSecret != null,
    createdAt: row?.createdAt ?? resource.createdAt,
    updatedAt: row?.updatedAt ?? resource.updatedAt,
  });

  /** `git init --bare` (idempotent) with the hosted settings; outside any transaction, harmless to repeat. */
  const initHosted = async (name: string): Promise<void> => {
    if (reposDir === null) throw new ServiceUnavailableError('this server has no data folder for hosted repositories');
    const dir = hostedRepositoryPath(reposDir, name);
    if (dir === null) throw new ConflictError(`${name} cannot be a repository folder`);
    await mkdir(dirname(dir), { recursive: true });
    await run('git', ['init', '--bare', '--quiet', '--initial-branch=main', dir]);
    for (const [key, value] of HOSTED_CONFIG) await run('git', ['-C', dir, 'config', key, value]);
  };

  return {
    reposDir,

    async configure(actor, ref, input) {
      assertPermitted(actor, 'git.repositories.write');
      const resource = await loadRepositoryResource(actor, ref);
      if (resource.status !== 'active') throw new ConflictError(`resource ${resource.name} is ${resource.status}`);
      if (input.mode === 'hosted') await initHosted(resource.name);
      return db.transaction(async (tx) => {
        const before = await store.findGitRepository(tx, resource.id);
        const now = clock.now();
        const row: store.GitRepositoryRow = {
          resourceId: resource.id,
          mode: input.mode,
          upstreamUrl: input.mode === 'upstream' ? input.url : null,
          upstreamUsername: input.mode === 'upstream' ? input.username : null,
          upstreamSecret: input.mode === 'upstream' ? sealEnvelope(masterKey, Buffer.from(input.secret, 'utf8'), CREDENTIAL_PURPOSE) : null,
          createdAt: before?.createdAt ?? now,
          updatedAt: now,
        };
        await store.upsertGitRepository(tx, row, actor.kind === 'person' ? actor.personId : null);
        await audit.record(tx, actor, {
          type: 'git_repository.configured',
          outcome: 'success',
          target: { type: 'resource', id: resource.id },
          // The secret itself never enters the log; that it was replaced does.
          details: {
            name: resource.name, mode: row.mode, upstreamUrl: row.upstreamUrl, upstreamUsername: row.upstreamUsername,
            secretReplaced: input.mode === 'upstream', previousMode: before?.mode ?? null,
          },
        });
        return view(resource, row);
      });
    },

    async get(actor, ref) {
      assertPermitted(actor, 'git.repositories.read');
      const resource = await loadRepositoryResource(actor, ref);
      return view(resource, await store.findGitRepository(db, resource.id));
    },

    async resolve(name) {
      // By exact name only: a UUID-shaped "name" must not reach a resource by id.
      const found = await store.findServedRepository(db, name);
      if (found === null || found.kind !== 'git_repository' || found.status !== 'active') return null;
      const resource = { id: found.id, name: found.name };
      const row = found.row;
      if (row?.mode === 'upstream' && row.upstreamUrl && row.upstreamSecret) {
        const secret = Buffer.from(openEnvelope(masterKey, row.upstreamSecret, CREDENTIAL_PURPOSE)).toString('utf8');
        const authorization = 'Basic ' + Buffer.from(`${row.upstreamUsername ?? ''}:${secret}`, 'utf8').toString('base64');
        return { mode: 'upstream', resource, url: row.upstreamUrl, authorization };
      }
      if (reposDir === null) return null;
      const repoDir = await existingHostedRepository(reposDir, resource.name);
      return repoDir === null ? null : { mode: 'hosted', resource, repoDir };
    },
  };
}
