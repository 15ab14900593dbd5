/**
 * @module detection/enrichment-store — SQL behind enrichment: the people, resources, engagements,
 * grants and known source addresses that a batch of events names, each read in one query.
 */
import type { Queryable } from '../../db/database.ts';
import type { WorkingHours } from '../people/people-fns.ts';

export interface PersonFacts {
  id: string; handle: string; kind: string; role: string; status: string; vendorId: string | null;
  timeZone: string; workingHours: WorkingHours;
}
export interface ResourceFacts { id: string; name: string; kind: string; environment: string; sensitivity: string; status: string }
export interface EngagementFacts { id: string; name: string; status: string; startDate: string; endDate: string }
export interface GrantFacts { id: string; personId: string; resourceId: string; engagementId: string; permission: string; startsAt: Date; endsAt: Date; revokedAt: Date | null }
export interface Membership { personId: string; engagementId: string }

export async function peopleByIds(q: Queryable, ids: string[]): Promise<Map<string, PersonFacts>> {
  if (ids.length === 0) return new Map();
  const rows = await q.query<{ id: string; handle: string; kind: string; role: string; status: string; vendor_id: string | null; time_zone: string; working_hours: WorkingHours }>(
    'SELECT id, handle, kind, role, status, vendor_id, time_zone, working_hours FROM people WHERE id = ANY($1::uuid[])', [ids]);
  return new Map(rows.map((r) => [r.id, {
    id: r.id, handle: r.handle, kind: r.kind, role: r.role, status: r.status, vendorId: r.vendor_id, timeZone: r.time_zone, workingHours: r.working_hours,
  }]));
}

export async function resourcesByIds(q: Queryable, ids: string[]): Promise<Map<string, ResourceFacts>> {
  if (ids.length === 0) return new Map();
  const rows = await q.query<ResourceFacts>('SELECT id, name, kind, environment, sensitivity, status FROM resources WHERE id = ANY($1::uuid[])', [ids]);
  return new Map(rows.map((r) => [r.id, r]));
}

export async function engagementsByIds(q: Queryable, ids: string[]): Promise<Map<string, EngagementFacts>> {
  if (ids.length === 0) return new Map();
  const rows = await q.query<{ id: string; name: string; status: string; start_date: string; end_date: string }>(
    'SELECT id, name, status, start_date, end_date FROM engagements WHERE id = ANY($1::uuid[])', [ids]);
  return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, status: r.status, startDate: r.start_date, endDate: r.end_date }]));
}

/** Every engagement the people are on: active ones first, then by end date, latest first. */
export async function membershipsOf(q: Queryable, personIds: string[]): Promise<Membership[]> {
  if (personIds.length === 0) return [];
  const rows = await q.query<{ person_id: string; engagement_id: string }>(
    `SELECT d.person_id, d.engagement_id FROM engagement_developers d JOIN engagements e ON e.id = d.engagement_id
     WHERE d.person_id = ANY($1::uuid[]) ORDER BY (e.status = 'active') DESC, e.end_date DESC, e.id`, [personIds]);
  return rows.map((r) => ({ personId: r.person_id, engagementId: r.engagement_id }));
}

/** Grants of the people on the resources, whatever their state (the caller checks them at the event's time). */
export async function grantsOf(q: Queryable, personIds: string[], resourceIds: string[]): Promise<GrantFacts[]> {
  if (personIds.length === 0 || resourceIds.length === 0) return [];
  const rows = await q.query<{ id: string; person_id: string; resource_id: string; engagement_id: string; permission: string; starts_at: Date; ends_at: Date; revoked_at: Date | null }>(
    `SELECT id, person_id, resource_id, engagement_id, permission, starts_at, ends_at, revoked_at FROM grants
     WHERE person_id = ANY($1::uuid[]) AND resource_id = ANY($2::uuid[])`, [personIds, resourceIds]);
  return rows.map((r) => ({
    id: r.id, personId: r.person_id, resourceId: r.resource_id, engagementId: r.engagement_id, permission: r.permission,
    startsAt: r.starts_at, endsAt: r.ends_at, revokedAt: r.revoked_at,
  }));
}

/** The source addresses each person has been seen succeeding from. */
export async function seenAddressesOf(q: Queryable, personIds: string[]): Promise<Map<string, Set<string>>> {
  const seen = new Map<string, Set<string>>();
  if (personIds.length === 0) return seen;
  const rows = await q.query<{ person_id: string; address: string }>(
    'SELECT person_id, address FROM detection_seen_addresses WHERE person_id = ANY($1::uuid[])', [personIds]);
  for (const r of rows) {
    let set = seen.get(r.person_id);
    if (!set) seen.set(r.person_id, (set = new Set()));
    set.add(r.address);
  }
  return seen;
}

export interface SeenAddress { personId: string; address: string; at: Date; leafIndex: number }

/** Record addresses as seen (first sighting kept, last one moved forward). */
export async function recordSeenAddresses(q: Queryable, rows: SeenAddress[]): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO detection_seen_addresses (person_id, address, first_seen_at, last_seen_at, first_leaf_index)
     SELECT p::uuid, a, t::timestamptz, t::timestamptz, i::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v(p, a, t, i)
     ON CONFLICT (person_id, address) DO UPDATE SET last_seen_at = GREATEST(detection_seen_addresses.last_seen_at, EXCLUDED.last_seen_at)`,
    [rows.map((r) => r.personId), rows.map((r) => r.address), rows.map((r) => r.at.toISOString()), rows.map((r) => String(r.leafIndex))],
  );
}
