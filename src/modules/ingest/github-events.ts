/**
 * @module ingest/github-events — GitHub audit log events (as streamed, exported or sent by
 * webhook) to ingest items. GitHub's field names are kept as they are, so rules written for
 * GitHub's audit log (Sigma's `action`, `actor`, `repo` …) match the stored details directly.
 */
import { isIP } from 'node:net';
import type { IngestItem, ItemError, Position, ReadResult } from './ingest-items.ts';
import { checkJsonValue, isObject, type JsonValue } from './json-values.ts';

export const MAX_GITHUB_EVENT_BYTES = 64 * 1024;
const MAX_DEPTH = 10;
const ACTION = /^[a-z0-9_-]{1,60}(\.[a-z0-9_-]{1,60}){1,4}$/;

function timeOf(v: unknown): Date | null {
  const d = typeof v === 'number' ? new Date(v) : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? new Date(v) : null;
  return d && Number.isFinite(d.getTime()) ? d : null;
}

function readOne(value: unknown, position: Position): IngestItem | ItemError {
  const fail = (message: string, path?: string): ItemError => ({ ...position, ...(path ? { path } : {}), message });
  if (!isObject(value)) return fail('a GitHub audit log event is a JSON object');
  const problem = checkJsonValue(value, MAX_DEPTH);
  if (problem) return fail(problem.message, problem.path || undefined);
  if (JSON.stringify(value).length > MAX_GITHUB_EVENT_BYTES) return fail(`event is larger than ${MAX_GITHUB_EVENT_BYTES / 1024} KiB`);
  const { action, _document_id: documentId, actor_ip: actorIp, user_agent: userAgent, repo, org } = value;
  if (typeof action !== 'string' || !ACTION.test(action)) return fail('expected GitHub\'s action name, e.g. "git.clone" or "org.add_member"', 'action');
  if (typeof documentId !== 'string' || documentId.length === 0 || documentId.length > 200) {
    return fail('required: it identifies the event, so that sending it again does not record it twice', '_document_id');
  }
  const stamp = value['@timestamp'] ?? value.created_at;
  const time = timeOf(value['@timestamp']) ?? timeOf(value.created_at);
  if (!time) return fail('expected the event time in milliseconds since 1970 (or created_at)', '@timestamp');
  const repoName = typeof repo === 'string' && repo.length <= 200 ? repo : null;
  const orgName = typeof org === 'string' && org.length <= 200 ? org : null;
  return {
    position,
    sourceKey: documentId,
    type: `github.${action}`,
    // GitHub names failures in the action (user.failed_login, …); everything else happened.
    outcome: /fail/.test(action) ? 'failure' : 'success',
    sourceTime: time,
    // GitHub logins are not Palisade handles: the actor stays unattributed, its login in details.actor.
    actor: {
      ip: typeof actorIp === 'string' && isIP(actorIp) ? actorIp : null,
      // Cut to 512 characters, never between the halves of a surrogate pair.
      userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512).replace(/[\ud800-\udbff]$/, '') : null,
    },
    target: repoName ? { type: 'github_repository', id: repoName } : orgName ? { type: 'github_organization', id: orgName } : null,
    resource: repoName ? { kind: 'git_repository', name: repoName } : undefined,
    details: { ...value },
    ingest: { sourceTimeText: String(stamp) },
  };
}

/**
 * Read the events of a GitHub body (one event, an array, or NDJSON — see json-values.ts).
 * @example readGithubEvents(splitJsonBody(body).values)
 */
export function readGithubEvents(values: JsonValue[]): ReadResult {
  const result: ReadResult = { items: [], errors: [], skipped: {} };
  for (const { value, position } of values) {
    const read = readOne(value, position);
    if ('sourceKey' in read) result.items.push(read);
    else result.errors.push(read);
  }
  return result;
}
