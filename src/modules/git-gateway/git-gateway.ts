/**
 * @module git-gateway/git-gateway — one smart-HTTP request, start to end: parse the path, authenticate (Basic,
 * git-scoped token), resolve the repository, ask the authorizer (read for upload-pack, write for receive-pack;
 * no read answers 404 exactly like a missing repository), inspect pushes, relay to `git http-backend` or the
 * upstream, and record one audit event once the response has finished.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Clock } from '../../core/clock.ts';
import { ValidationError } from '../../core/errors.ts';
import type { Actor, RequestOrigin } from '../auth/actor.ts';
import { systemActor } from '../auth/actor.ts';
import type { AuthorizerService } from '../authorizer/authorizer-service.ts';
import type { Decision } from '../authorizer/authorizer-types.ts';
import type { Outcome } from '../audit/audit-types.ts';
import { hostedRepositoryPath } from '../scanner/git/hosted.ts';
import type { GitAuthenticator } from './git-auth.ts';
import type { GitEventRecorder } from './git-events.ts';
import { parseGitPath, type GitRequestPath } from './git-path.ts';
import type { GitRepositoryService, GitTarget } from './git-repository-service.ts';
import { GIT_PROTOCOL_HEADER, runHttpBackend, type RelayResult } from './http-backend.ts';
import { parseUploadRequest, uploadKind, UploadRequestError, type UploadRequest } from './protocol/upload-request.ts';
import type { PushInspection, PushInspector } from './push/inspect-push.ts';
import { refreshMirror, relayToUpstream } from './upstream.ts';

export interface GitGatewayLimits {
  /** Largest upload-pack request (the negotiation: wants and haves, not a pack), decompressed. */
  maxUploadRequestBytes: number;
  /** Largest push (receive-pack request with its pack), decompressed. */
  maxPushBytes: number;
}

/** 8 MiB of negotiation is ~170,000 `have` lines; 2 GiB pushes are beyond any developer's push. */
export const DEFAULT_GIT_LIMITS: GitGatewayLimits = { maxUploadRequestBytes: 8 * 1024 * 1024, maxPushBytes: 2 * 1024 * 1024 * 1024 };

/** What the transport hands the gateway: the raw request, never a parsed path. */
export interface GitHttpRequest {
  method: string;
  rawUrl: string;
  headers: IncomingHttpHeaders;
  ip: string;
  requestId: string;
  body: Readable;
}

export interface GitGateway {
  handle(req: GitHttpRequest, res: ServerResponse): Promise<void>;
  /** Resolves when every event of finished requests is written (tests, shutdown). */
  settled(): Promise<void>;
  /** Writes events spooled while the database was unreachable (server start); how many were written. */
  recoverSpool(): Promise<number>;
}

interface EventState {
  type: string;
  outcome: Outcome;
  reason: string | null;
  details: Record<string, unknown>;
}

const header = (h: IncomingHttpHeaders, name: string): string | null => {
  const v = h[name];
  return typeof v === 'string' ? v : null;
};

function sendText(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache', ...headers });
  res.end(`${message}\n`);
}

/** Counts bytes as they pass. */
function counter(): Transform & { bytes: number } {
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      t.bytes += chunk.length;
      cb(null, chunk);
    },
  }) as Transform & { bytes: number };
  t.bytes = 0;
  return t;
}

/** The request body grew past the gateway's limit (413). */
export class BodyTooLargeError extends Error {}

/** Reads a whole (small) stream, failing past `max` bytes. */
async function readAll(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new BodyTooLargeError(`the request body exceeds ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** @example const gateway = createGitGateway({ clock, auth, authorizer, repositories, inspector, events, mirrorsDir }); */
export function createGitGateway(deps: {
  clock: Clock;
  auth: GitAuthenticator;
  authorizer: AuthorizerService;
  repositories: GitRepositoryService;
  inspector: PushInspector;
  events: GitEventRecorder;
  /** `<data folder>/mirrors`: local mirrors of upstream repositories, for push inspection. */
  mirrorsDir: string | null;
  limits?: GitGatewayLimits;
}): GitGateway {
  const { clock, auth, authorizer, repositories, inspector, events } = deps;
  const limits = deps.limits ?? DEFAULT_GIT_LIMITS;

  const ask = async (actor: Actor, target: GitTarget, action: 'read' | 'write', ip: string, requestId: string): Promise<Decision> =>
    authorizer.authorize({ ...systemActor, requestId }, {
      principal: actor.personId, action, resource: target.resource.id, context: { sourceIp: ip, gateway: 'git' },
    });

  /** Request body as sent (counted), decompressed when the client gzipped it. */
  const bodyOf = (req: GitHttpRequest, counted: Transform): Readable | { error: string } => {
    const encoding = (header(req.headers, 'content-encoding') ?? 'identity').toLowerCase();
    const plain = req.body.pipe(counted);
    req.body.on('error', (err) => counted.destroy(err));
    if (encoding === 'identity') return plain;
    if (encoding === 'gzip' || encoding === 'x-gzip') {
      const gunzip = createGunzip();
      counted.on('error', (err) => gunzip.destroy(err));
      return plain.pipe(gunzip);
    }
    return { error: `content encoding ${encoding} is not supported (gzip or none)` };
  };

  const relay = (target: GitTarget, path: GitRequestPath, req: GitHttpRequest, actor: Actor, body: Readable | Buffer | null, res: ServerResponse, query: string): Promise<RelayResult> => {
    const common = {
      queryString: query,
      method: (req.method === 'POST' ? 'POST' : 'GET') as 'GET' | 'POST',
      contentType: header(req.headers, 'content-type'),
      gitProtocol: (() => {
        const p = header(req.headers, 'git-protocol');
        return p !== null && GIT_PROTOCOL_HEADER.test(p) ? p : null;
      })(),
      body,
    };
    if (target.mode === 'upstream') {
      return relayToUpstream(target, { ...common, endpoint: path.endpoint, userAgent: header(req.headers, 'user-agent') }, res);
    }
    return runHttpBackend({
      ...common,
      projectRoot: repositories.reposDir!,
      // Built from the resolved resource's name, not from the request.
      pathInfo: `/${target.resource.name}.git/${path.endpoint}`,
      remoteUser: actor.handle,
      remoteAddr: req.ip,
    }, res);
  };

  const baseRepoFor = async (target: GitTarget): Promise<string> => {
    if (target.mode === 'hosted') return target.repoDir;
    if (deps.mirrorsDir === null) throw new Error('no data folder for upstream mirrors');
    const dir = hostedRepositoryPath(deps.mirrorsDir, target.resource.name);
    if (dir === null) throw new Error('invalid mirror path');
    await refreshMirror(dir, target);
    return dir;
  };

  async function handle(req: GitHttpRequest, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const userAgent = header(req.headers, 'user-agent')?.slice(0, 512) ?? null;
    const origin: RequestOrigin = { ip: req.ip, userAgent, requestId: req.requestId };
    const counted = counter();
    let result: RelayResult | null = null;
    let actor: Actor | null = null;
    let target: GitTarget | null = null;
    let engagementId: string | null = null;
    const state: EventState = { type: 'git.request', outcome: 'failure', reason: null, details: {} };
    const refuse = (status: number, outcome: Outcome, reason: string, message: string, headers: Record<string, string> = {}) => {
      state.outcome = outcome;
      state.reason = reason;
      // A refusal before the body was read: close the connection rather than reading the rest of it.
      sendText(res, status, message, req.body.readableEnded ? headers : { ...headers, connection: 'close' });
    };

    const parsed = parseGitPath(req.method, req.rawUrl);
    if (!parsed.ok) {
      refuse(parsed.status, 'failure', parsed.message, parsed.message);
      state.details.path = req.rawUrl.split('?')[0]!.slice(0, 300);
    } else {
      const path = parsed.path;
      const query = path.endpoint === 'info/refs' ? `service=${path.service}` : '';
      state.type = path.endpoint === 'git-receive-pack' ? 'git.push' : path.endpoint === 'info/refs' ? 'git.ls-refs' : 'git.upload-pack';
      state.details = { repository: path.name, service: path.service, endpoint: path.endpoint, protocol: header(req.headers, 'git-protocol')?.includes('version=2') ? 'v2' : 'v0' };
      // The repository is looked up alongside authentication (both are needed, and the answer does not depend on the order).
      const resolving = repositories.resolve(path.name);
      resolving.catch(() => undefined);
      const authn = await auth.authenticate(header(req.headers, 'authorization') ?? undefined, origin, clock.now().getTime());
      if (!authn.ok) {
        // No credentials is git's first probe; wrong ones were recorded as auth.failed by the authenticator.
        const headers: Record<string, string> = authn.status === 429
          ? { 'retry-after': String(authn.retryAfter) }
          : { 'www-authenticate': 'Basic realm="Palisade", charset="UTF-8"' };
        sendText(res, authn.status, authn.message, headers);
        req.body.resume();
        return;
      }
      actor = { ...authn.actor, ip: req.ip, userAgent, requestId: req.requestId };
      target = await resolving;
      if (target === null) {
        refuse(404, 'denied', 'no such repository', 'repository not found');
      } else {
        const read = await ask(actor, target, 'read', req.ip, req.requestId);
        engagementId = read.engagementId;
        const write = path.service === 'git-receive-pack' && read.decision === 'allow' ? await ask(actor, target, 'write', req.ip, req.requestId) : null;
        if (read.decision !== 'allow') {
          // Without read the repository does not exist for this person: the same answer as a missing one.
          refuse(404, 'denied', read.reasons.join('; '), 'repository not found');
        } else if (write && write.decision !== 'allow') {
          refuse(403, 'denied', write.reasons.join('; '), `${actor.handle} may read but not push to ${path.name}`);
        } else {
          engagementId = (write ?? read).engagementId;
          state.details.grantId = (write ?? read).grantId;
          state.details.mode = target.mode;
          try {
            result = await serve(path, query, target, actor, req, res, counted, state);
          } catch (err) {
            const tooLarge = err instanceof BodyTooLargeError || (err instanceof ValidationError && err.errors[0]?.message === 'too large');
            if (tooLarge) refuse(413, 'failure', (err as Error).message, (err as Error).message);
            else if (err instanceof ValidationError || err instanceof UploadRequestError) refuse(400, 'failure', err.message, err.message);
            else if (typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('Z_')) {
              refuse(400, 'failure', `the gzip request body is corrupt: ${(err as Error).message}`, 'the gzip request body is corrupt');
            }
            else {
              refuse(500, 'failure', `internal error: ${(err as Error).message}`.slice(0, 500), 'internal error');
            }
          }
        }
      }
    }
    req.body.resume(); // drain whatever was not read, so the connection can be reused
    if (!res.writableFinished) await new Promise<void>((r) => res.once('close', r));
    const status = result?.status ?? res.statusCode;
    const details: Record<string, unknown> = {
      ...state.details,
      sourceIp: req.ip,
      userAgent,
      status,
      bytesIn: counted.bytes,
      bytesOut: result?.bytesOut ?? 0,
      durationMs: Math.round(performance.now() - started),
      ...(state.reason ? { reason: state.reason } : {}),
      ...(result && !result.complete ? { incomplete: true, ...(result.stderr ? { error: result.stderr.slice(0, 500) } : {}) } : {}),
    };
    if (state.type === 'skip') return;
    await events.record(actor ?? origin, {
      type: state.type,
      outcome: result ? (result.complete && status < 400 ? 'success' : 'failure') : state.outcome,
      ...(target ? { target: { type: 'resource', id: target.resource.id } } : {}),
      engagementId,
      details,
    });
  }

  /** Serves an authorized request; sets the event's type and details. */
  async function serve(path: GitRequestPath, query: string, target: GitTarget, actor: Actor, req: GitHttpRequest, res: ServerResponse, counted: Transform, state: EventState): Promise<RelayResult | null> {
    if (path.endpoint === 'info/refs') return relay(target, path, req, actor, null, res, query);
    const body = bodyOf(req, counted);
    if ('error' in body) {
      state.reason = body.error;
      sendText(res, 415, body.error);
      return null;
    }
    if (path.endpoint === 'git-upload-pack') {
      const bytes = await readAll(body, limits.maxUploadRequestBytes);
      const upload: UploadRequest = parseUploadRequest(bytes);
      const kind = uploadKind(upload);
      state.type = kind === 'other' ? 'git.upload-pack' : `git.${kind}`;
      Object.assign(state.details, {
        protocol: upload.protocol, command: upload.command, wants: upload.wants, haves: upload.haves, shallow: upload.shallow, filter: upload.filter,
      });
      return relay(target, path, req, actor, bytes, res, query);
    }
    const inspection: PushInspection = await inspector.inspect({
      resource: { id: target.resource.id, name: target.resource.name },
      baseRepoDir: await baseRepoFor(target),
      pusher: { id: actor.personId, handle: actor.handle, kind: actor.role === 'developer' ? 'external' : 'member' },
      body,
      maxBodyBytes: limits.maxPushBytes,
    });
    try {
      // git's probe before a large push (a body of only a flush) carries no update: not a push of its own.
      if (inspection.updates.length === 0 && inspection.refused.length === 0 && inspection.bodyBytes <= 4) state.type = 'skip';
      // The inspector says what the event carries (updates, refusals, rule ids; never a secret).
      Object.assign(state.details, inspection.auditDetails());
      state.details.refs = inspection.updates.map((u) => ({ ref: u.ref, oldOid: u.oldOid, newOid: u.newOid, kind: u.kind, forced: u.forced }));
      if (inspection.refused.length > 0) {
        state.outcome = 'denied';
        state.reason = `push refused: ${inspection.refused.map((r) => `${r.ref} ${r.reason}`).join('; ')}`.slice(0, 2000);
        const refusal = inspection.refusalBody();
        res.writeHead(200, { 'content-type': 'application/x-git-receive-pack-result', 'cache-control': 'no-cache' });
        res.end(refusal);
        return null;
      }
      const replay = inspection.replay() as Readable;
      return await relay(target, path, req, actor, replay, res, query);
    } finally {
      await inspection.cleanup();
    }
  }

  const inFlight = new Set<Promise<void>>();
  const guarded = async (req: GitHttpRequest, res: ServerResponse) => {
      try {
        await handle(req, res);
      } catch (err) {
        // Last resort: the gateway never takes the server down.
        sendText(res, 500, 'internal error');
        await events.record({ ip: req.ip, userAgent: null, requestId: req.requestId }, {
          type: 'git.request', outcome: 'failure', details: { reason: `internal error: ${(err as Error).message}`.slice(0, 500) },
        });
      }
  };
  return {
    handle(req, res) {
      const p = guarded(req, res);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      return p;
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      await events.settled();
    },
    recoverSpool: () => events.drainSpool(),
  };
}

/** `<data folder>/mirrors`, beside `repos`. */
export const mirrorsDirOf = (dataDir: string) => join(dataDir, 'mirrors');
