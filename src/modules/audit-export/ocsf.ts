/**
 * @module audit-export/ocsf — an audit event as an OCSF 1.3 event object (https://schema.ocsf.io):
 * the classification of ocsf-classes.ts, the base attributes every class requires, the attributes
 * each class requires, and everything else of the event under `unmapped`, so nothing is lost.
 */
import { isIP } from 'node:net';
import { API_VERSION } from '../../http/openapi.ts';
import type { AuditEvent } from '../audit/audit-types.ts';
import { classify, OCSF_VERSION } from './ocsf-classes.ts';

export const PRODUCT = { name: 'Palisade', vendor_name: 'Palisade', version: API_VERSION } as const;

type Obj = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** Drop undefined members, so that absent attributes are absent rather than null. */
const compact = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const UNKNOWN = '(unknown)';

/** Where an event came from, when it was ingested (details.ingest, see modules/ingest). */
function ingestOf(e: AuditEvent): Obj | null {
  const i = e.details.ingest;
  return i && typeof i === 'object' && !Array.isArray(i) ? (i as Obj) : null;
}

/** OCSF user of the Palisade person who acted, if any. */
function palisadeUser(e: AuditEvent): Obj | undefined {
  if (!e.actor.id) return undefined;
  const admin = e.actor.role === 'admin';
  return compact({ uid: e.actor.id, name: e.actor.handle ?? undefined, type_id: admin ? 2 : 1, type: admin ? 'Admin' : 'User' });
}

/** actor: the Palisade person, Palisade itself, or the name the source gave (a GitHub login, an sshd user). */
function actorOf(e: AuditEvent): Obj {
  const user = palisadeUser(e);
  if (user) return { user };
  if (e.actor.handle === 'system') return { app_name: 'Palisade' };
  const claimed = str(e.details.actor) ?? str(e.details.user) ?? str((ingestOf(e) ?? {}).claimedHandle);
  return { user: { name: claimed ?? UNKNOWN } };
}

function srcEndpointOf(e: AuditEvent): Obj {
  const port = num(e.details.sourcePort);
  if (e.actor.ip && isIP(e.actor.ip)) return compact({ ip: e.actor.ip, port });
  const host = str(e.details.sourceHost);
  if (host) return compact({ hostname: host, port });
  return { name: e.actor.handle === 'system' ? 'palisade' : UNKNOWN };
}

/** Event time: when it happened at the source for ingested events, else when Palisade recorded it. */
function timeOf(e: AuditEvent): number {
  const source = str((ingestOf(e) ?? {}).sourceTime);
  const t = source ? Date.parse(source) : NaN;
  return Number.isFinite(t) ? t : e.occurredAt.getTime();
}

/** The attributes the event's class requires (and recommends, where Palisade knows them). */
function classAttributes(classUid: number, e: AuditEvent): Obj {
  const d = e.details;
  switch (classUid) {
    case 3002: {
      const ssh = e.type.startsWith('ssh.');
      const github = e.type.startsWith('github.');
      const name = ssh ? str(d.user) : github ? (str(d.user) ?? str(d.actor)) : str(d.handle);
      const user = compact({ name: name ?? (ssh || github ? undefined : e.actor.handle ?? undefined), uid: ssh || github ? undefined : (str(d.personId) ?? e.actor.id ?? undefined) });
      return compact({
        user: Object.keys(user).length > 0 ? user : { name: UNKNOWN },
        actor: palisadeUser(e) ? { user: palisadeUser(e) } : undefined,
        service: { name: ssh ? 'sshd' : github ? 'GitHub' : 'Palisade API' },
        dst_endpoint: ssh && str(d.host) ? { hostname: str(d.host) } : undefined,
        src_endpoint: srcEndpointOf(e),
        auth_protocol: str(d.method),
        auth_protocol_id: str(d.method) ? 99 : undefined,
        is_remote: ssh ? true : undefined,
      });
    }
    case 3005: {
      const privileges = str(d.permission) ? [d.permission as string]
        : Array.isArray(d.scopes) && d.scopes.every((s) => typeof s === 'string') && d.scopes.length > 0 ? (d.scopes as string[])
          : str(d.role) ? [d.role as string] : [e.type];
      const uid = str(d.personId) ?? (e.target.type === 'person' ? e.target.id ?? undefined : undefined);
      const name = str(d.user) ?? str(d.handle);
      return compact({
        privileges,
        user: uid || name ? compact({ uid, name }) : { name: UNKNOWN },
        actor: actorOf(e),
        src_endpoint: srcEndpointOf(e),
        resource: str(d.resourceId) ? compact({ uid: d.resourceId, name: str(d.resourceName), type: 'resource' }) : undefined,
      });
    }
    case 6003:
      return compact({
        actor: actorOf(e),
        api: compact({ operation: e.type, request: e.requestId ? { uid: e.requestId } : undefined }),
        src_endpoint: srcEndpointOf(e),
        resources: e.target.type && e.target.id ? [{ uid: e.target.id, type: e.target.type }] : undefined,
        http_request: str(d.method) && str(d.route) ? { http_method: d.method, url: { path: d.route } } : undefined,
      });
    case 6006: {
      const repo = str(d.repo) ?? str(d.repository);
      const file = str(d.sha256)
        ? compact({
          name: `${str(d.term) ?? 'document'} document`, type_id: 1, type: 'Regular File', size: num(d.size), mime_type: str(d.contentType),
          hashes: [{ algorithm_id: 3, algorithm: 'SHA-256', value: d.sha256 }],
        })
        : repo ? { name: repo, type_id: 99, type: 'Git repository' }
          : { name: str(d.name) ?? str(d.path) ?? e.target.id ?? UNKNOWN, type_id: 0, type: 'Unknown' };
      return { actor: actorOf(e), file, src_endpoint: srcEndpointOf(e) };
    }
    default:
      return {};
  }
}

/**
 * The OCSF 1.3 event object of an audit event.
 * @example toOcsf(event).class_uid // 3002 for ssh.login
 */
export function toOcsf(e: AuditEvent): Obj {
  const { class: cls, activityId } = classify(e);
  const activityName = activityId === 0 ? 'Unknown' : activityId === 99 ? 'Other' : (cls.activities as Record<number, string>)[activityId];
  const ok = e.outcome === 'success';
  const ingest = ingestOf(e);
  return compact({
    activity_id: activityId,
    activity_name: activityName,
    category_uid: cls.categoryUid,
    category_name: cls.categoryName,
    class_uid: cls.classUid,
    class_name: cls.className,
    type_uid: cls.classUid * 100 + activityId,
    type_name: `${cls.className}: ${activityName}`,
    severity_id: ok ? 1 : e.outcome === 'failure' ? 2 : 3,
    severity: ok ? 'Informational' : e.outcome === 'failure' ? 'Low' : 'Medium',
    status_id: ok ? 1 : 2,
    status: ok ? 'Success' : 'Failure',
    status_detail: str(e.details.reason),
    time: timeOf(e),
    message: `${e.type} (${e.outcome})`,
    metadata: compact({
      version: OCSF_VERSION,
      uid: e.id,
      product: PRODUCT,
      log_name: 'palisade-audit',
      log_provider: ingest ? (str(ingest.system) ? `external:${str(ingest.system)}` : str(ingest.source)) : 'palisade',
      logged_time: e.occurredAt.getTime(),
      original_time: ingest ? str(ingest.sourceTimeText) : undefined,
      sequence: e.leafIndex ?? undefined,
      correlation_uid: e.requestId ?? undefined,
    }),
    ...classAttributes(cls.classUid, e),
    unmapped: compact({
      type: e.type,
      outcome: e.outcome,
      seq: e.seq,
      leaf_index: e.leafIndex ?? undefined,
      actor: e.actor,
      target: e.target,
      engagement_id: e.engagementId ?? undefined,
      details: e.details,
    }),
  });
}
