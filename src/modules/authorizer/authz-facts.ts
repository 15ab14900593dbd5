/**
 * @module authorizer/authz-facts — SQL that loads what a decision needs about a person and a
 * resource: the person, the engagements they are on (with their duty), their unrevoked grants, and
 * the resource. Loaded once and cached (authz-cache.ts); nothing here depends on the time, so a
 * cached copy stays right until something changes — and every change bumps the authz epoch.
 */
import { UUID_PATTERN } from '../../core/ids.ts';
import type { Queryable } from '../../db/database.ts';
import type { PermissionLevel } from '../access/request-policy.ts';
import type { Duty } from '../engagements/engagement-fns.ts';

type Raw = Record<string, unknown>;

/** A grant as the authorizer caches it: unrevoked when loaded; whether it is effective is decided per question. */
export interface CachedGrant {
  id: string;
  engagementId: string;
  resourceId: string;
  permission: PermissionLevel;
  startsAt: Date;
  endsAt: Date;
}

export interface PersonFacts {
  id: string;
  handle: string;
  kind: 'member' | 'external';
  role: string;
  status: string;
  vendorId: string | null;
  /** Engagement id → the person's duty on it (null: not stated), for every engagement they are on. */
  engagements: Map<string, Duty | null>;
  /** Every unrevoked grant (also the ended ones: "it ended at …" is a useful reason). */
  grants: CachedGrant[];
}

export interface ResourceFactsRow {
  id: string;
  name: string;
  kind: string;
  environment: string;
  sensitivity: string;
  status: string;
  ownerId: string;
  ownerHandle: string;
  labels: Record<string, string>;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/**
 * A person by id or handle, with engagements and unrevoked grants; null when unknown.
 * @example const p = await loadPersonFacts(db, 'alice');
 */
export async function loadPersonFacts(q: Queryable, ref: string): Promise<PersonFacts | null> {
  const byId = UUID_PATTERN.test(ref);
  const [p] = await q.query<Raw>(
    `SELECT id, handle, kind, role, status, vendor_id FROM people WHERE ${byId ? 'id = $1::uuid' : 'handle = $1'}`,
    [ref],
  );
  if (!p) return null;
  const id = p.id as string;
  const memberships = await q.query<Raw>('SELECT engagement_id, duty FROM engagement_developers WHERE person_id = $1', [id]);
  const grants = await q.query<Raw>(
    `SELECT id, engagement_id, resource_id, permission, starts_at, ends_at FROM grants
     WHERE person_id = $1 AND revoked_at IS NULL ORDER BY ends_at DESC, id`,
    [id],
  );
  return {
    id,
    handle: p.handle as string,
    kind: p.kind as PersonFacts['kind'],
    role: p.role as string,
    status: p.status as string,
    vendorId: p.vendor_id as string | null,
    engagements: new Map(memberships.map((m) => [m.engagement_id as string, m.duty as Duty | null])),
    grants: grants.map((g) => ({
      id: g.id as string,
      engagementId: g.engagement_id as string,
      resourceId: g.resource_id as string,
      permission: g.permission as PermissionLevel,
      startsAt: g.starts_at as Date,
      endsAt: g.ends_at as Date,
    })),
  };
}

/**
 * A resource by id or name, with its owner's handle; null when unknown.
 * @example const r = await loadResourceFacts(db, 'payments/api');
 */
export async function loadResourceFacts(q: Queryable, ref: string): Promise<ResourceFactsRow | null> {
  const byId = UUID_PATTERN.test(ref);
  const [r] = await q.query<Raw>(
    `SELECT r.id, r.name, r.kind, r.environment, r.sensitivity, r.status, r.owner_id, p.handle AS owner_handle, r.labels
     FROM resources r JOIN people p ON p.id = r.owner_id WHERE ${byId ? 'r.id = $1::uuid' : 'r.name = $1'}`,
    [ref],
  );
  if (!r) return null;
  return {
    id: r.id as string,
    name: r.name as string,
    kind: r.kind as string,
    environment: r.environment as string,
    sensitivity: r.sensitivity as string,
    status: r.status as string,
    ownerId: r.owner_id as string,
    ownerHandle: r.owner_handle as string,
    labels: json<Record<string, string>>(r.labels),
  };
}

/** The authz epoch: bumped in the same transaction as any change a decision depends on. */
export async function readEpoch(q: Queryable): Promise<number> {
  const [r] = await q.query<{ version: number }>('SELECT version FROM authz_epoch WHERE id = 1');
  return r?.version ?? 0;
}
