/**
 * @module git-gateway/git-path — turns a raw request line into (repository name, endpoint, service) or a clean
 * refusal, before anything touches the disk or the database. Works on the raw, undecoded URL: percent-encoding
 * (an encoded '/', '.', NUL …) is refused outright, so what is checked is exactly what is used.
 */
import { resourceNameProblem } from '../resources/resource-fns.ts';

export type GitService = 'git-upload-pack' | 'git-receive-pack';
export type GitEndpoint = 'info/refs' | GitService;

export interface GitRequestPath {
  name: string;
  endpoint: GitEndpoint;
  /** The service this request belongs to: the endpoint itself, or `?service=` of info/refs. */
  service: GitService;
}

export type GitPathResult = { ok: true; path: GitRequestPath } | { ok: false; status: 400 | 404 | 405; message: string };

/** Prefix of every gateway URL; the rest is `<resource name>.git/<endpoint>`. */
export const GIT_PREFIX = '/git/';
const SHAPE = /^\/git\/(.+)\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/;
const SERVICES: readonly string[] = ['git-upload-pack', 'git-receive-pack'];

/**
 * Parses the raw URL of a gateway request (`/git/<name>.git/info/refs?service=git-upload-pack`, …).
 * Only the three smart-HTTP endpoints exist: the dumb protocol (`/objects/…`, `/HEAD`) is not served.
 * @example parseGitPath('GET', '/git/payments/api.git/info/refs?service=git-upload-pack')
 * // { ok: true, path: { name: 'payments/api', endpoint: 'info/refs', service: 'git-upload-pack' } }
 */
export function parseGitPath(method: string, rawUrl: string): GitPathResult {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q + 1);
  if (path.includes('%') || path.includes('\\')) {
    return { ok: false, status: 400, message: 'repository paths may not contain percent-encoded characters or backslashes' };
  }
  const m = SHAPE.exec(path);
  if (!m) return { ok: false, status: 404, message: 'not found: git URLs look like /git/<repository>.git/info/refs' };
  const name = m[1]!;
  // Rejects '..', '.', empty and absolute segments, upper case, control characters: the resource rules.
  if (resourceNameProblem(name) !== null) return { ok: false, status: 404, message: 'repository not found' };
  const endpoint = m[2] as GitEndpoint;
  if (endpoint === 'info/refs') {
    if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405, message: 'info/refs takes GET' };
    const service = new URLSearchParams(query).get('service');
    if (service === null || !SERVICES.includes(service)) {
      return { ok: false, status: 400, message: 'only the smart HTTP protocol is served: ?service=git-upload-pack or git-receive-pack' };
    }
    return { ok: true, path: { name, endpoint, service: service as GitService } };
  }
  if (method !== 'POST') return { ok: false, status: 405, message: `${endpoint} takes POST` };
  return { ok: true, path: { name, endpoint, service: endpoint } };
}
