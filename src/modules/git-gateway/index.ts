/**
 * @module git-gateway/index — builds the git gateway's services for the composition root: repository
 * configuration, the gateway itself, its authenticator, event recorder and the push inspector.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { TokenService } from '../auth/token-service.ts';
import type { AuthorizerService } from '../authorizer/authorizer-service.ts';
import type { ResourceService } from '../resources/resource-service.ts';
import { REPOS_FOLDER } from '../scanner/git/hosted.ts';
import { createGitAuthenticator } from './git-auth.ts';
import { createGitEventRecorder } from './git-events.ts';
import { createGitGateway, mirrorsDirOf, type GitGateway } from './git-gateway.ts';
import { createGitRepositoryService, type GitRepositoryService } from './git-repository-service.ts';
import { createPushInspector, type PushInspector } from './push/inspect-push.ts';
import type { Scanner } from '../scanner/scanner.ts';

export interface GitGatewayServices {
  gitRepositories: GitRepositoryService;
  gitGateway: GitGateway;
}

/** @example const { gitRepositories, gitGateway } = createGitGatewayServices({ db, clock, audit, tokens, authorizer, resources, dataDir, masterKey }); */
export function createGitGatewayServices(deps: {
  db: Database; clock: Clock; audit: AuditService; tokens: TokenService; authorizer: AuthorizerService; resources: ResourceService;
  dataDir: string | undefined; masterKey: Uint8Array; scanner: Scanner; inspector?: PushInspector;
}): GitGatewayServices {
  const { db, clock, audit, dataDir } = deps;
  const gitRepositories = createGitRepositoryService({
    db, clock, audit, resources: deps.resources, masterKey: deps.masterKey, reposDir: dataDir === undefined ? null : join(dataDir, REPOS_FOLDER),
  });
  const events = createGitEventRecorder({
    db, audit, spoolFile: dataDir === undefined ? null : join(dataDir, 'git-gateway', 'unrecorded-events.jsonl'),
    onError: (err, what) => process.emitWarning(`${what}: ${(err as Error).message}`),
  });
  // Pushes are spooled beside the data (a 2 GiB push must not land in a tmpfs /tmp).
  const pushTmp = dataDir === undefined ? tmpdir() : join(dataDir, 'git-gateway', 'tmp');
  const real = createPushInspector({ db, scanner: deps.scanner, tmpDir: pushTmp });
  const inspector: PushInspector = deps.inspector ?? {
    inspect: async (input) => {
      await mkdir(pushTmp, { recursive: true });
      return real.inspect(input);
    },
  };
  const gitGateway = createGitGateway({
    clock,
    auth: createGitAuthenticator({ tokens: deps.tokens }),
    authorizer: deps.authorizer,
    repositories: gitRepositories,
    inspector,
    events,
    mirrorsDir: dataDir === undefined ? null : mirrorsDirOf(dataDir),
  });
  return { gitRepositories, gitGateway };
}
