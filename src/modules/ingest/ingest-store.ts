/** @module ingest/ingest-store — SQL for ingestion: source-event keys, per-source counters, settings, and who is behind an event. */
import type { Queryable } from '../../db/database.ts';
import type { Role } from '../auth/actor.ts';
import type { IngestSource, ItemError } from './ingest-items.ts';

export interface KnownPerson {
  id: string;
  handle: string;
  role: Role;
}

/**
 * Claim the keys not taken yet and return those claimed now. A key being claimed by a concurrent,
 * uncommitted request makes this wait for it, then count as taken (PostgreSQL's ON CONFLICT).
 */
export async function claimKeys(q: Queryable, source: IngestSource, keys: string[], at: Date): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await q.query<{ source_key: string }>(
    `INSERT INTO ingested_events (source, source_key, ingested_at) SELECT $1, k, $3 FROM unnest($2::text[]) AS k
     ON CONFLICT (source, source_key) DO NOTHING RETURNING source_key`,
    [source, keys, at],
  );
  return new Set(rows.map((r) => r.source_key));
}

/** Fill in the audit event id of keys claimed in this transaction. */
export async function setEventIds(q: Queryable, source: IngestSource, keys: string[], eventIds: string[]): Promise<void> {
  if (keys.length === 0) return;
  await q.query(
    `UPDATE ingested_events i SET event_id = v.id FROM unnest($2::text[], $3::uuid[]) AS v(k, id)
     WHERE i.source = $1 AND i.source_key = v.k`,
    [source, keys, eventIds],
  );
}

/** People owning these SSH key fingerprints (whatever their status: an offboarded person's login matters most). */
export async function personsByFingerprint(q: Queryable, fingerprints: string[]): Promise<Map<string, KnownPerson>> {
  if (fingerprints.length === 0) return new Map();
  const rows = await q.query<{ fingerprint: string; id: string; handle: string; role: Role }>(
    `SELECT k.fingerprint, p.id, p.handle, p.role FROM person_ssh_keys k JOIN people p ON p.id = k.person_id WHERE k.fingerprint = ANY($1::text[])`,
    [fingerprints],
  );
  return new Map(rows.map((r) => [r.fingerprint, { id: r.id, handle: r.handle, role: r.role }]));
}

export async function personsByHandle(q: Queryable, handles: string[]): Promise<Map<string, KnownPerson>> {
  if (handles.length === 0) return new Map();
  const rows = await q.query<KnownPerson>('SELECT id, handle, role FROM people WHERE handle = ANY($1::text[])', [handles]);
  return new Map(rows.map((r) => [r.handle, r]));
}

/** Resources of a kind by name. */
export async function resourcesByName(q: Queryable, kind: string, names: string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await q.query<{ id: string; name: string }>('SELECT id, name FROM resources WHERE kind = $1 AND name = ANY($2::text[])', [kind, names]);
  return new Map(rows.map((r) => [r.name, r.id]));
}

export interface Counts {
  accepted: number;
  duplicates: number;
  rejected: number;
  skipped: number;
}

/** A rejection as kept in `last_rejections`. */
export type StoredRejection = ItemError & { at: string; requestId: string | null };

const KEPT_REJECTIONS = 20;
/** Counter rows per source (migration 0009): concurrent requests rarely wait for each other's commit. */
const SHARDS = 16;

/**
 * Add one request's counts to the source's totals (in one of its shards, at random); keep its
 * rejections among the last 20 of that shard, each tagged with the request's place in the order of
 * all requests (a sequence), so that reading can merge the shards newest first.
 */
export async function addCounts(q: Queryable, source: IngestSource, c: Counts, at: Date, rejections: StoredRejection[]): Promise<void> {
  await q.query(
    `INSERT INTO ingest_sources (source, shard, requests, accepted, duplicates, rejected, skipped, last_received_at, last_accepted_at, last_rejected_at, last_rejections)
     VALUES ($1, $10, 1, $2, $3, $4, $5, $6, $7, $8,
       CASE WHEN jsonb_array_length($9::jsonb) = 0 THEN '[]'::jsonb ELSE
         (SELECT jsonb_agg(t.e || jsonb_build_object('order', n.v) ORDER BY t.o)
          FROM jsonb_array_elements($9::jsonb) WITH ORDINALITY AS t(e, o), (SELECT nextval('ingest_rejections_order') AS v) AS n) END)
     ON CONFLICT (source, shard) DO UPDATE SET
       requests = ingest_sources.requests + 1,
       accepted = ingest_sources.accepted + EXCLUDED.accepted,
       duplicates = ingest_sources.duplicates + EXCLUDED.duplicates,
       rejected = ingest_sources.rejected + EXCLUDED.rejected,
       skipped = ingest_sources.skipped + EXCLUDED.skipped,
       last_received_at = EXCLUDED.last_received_at,
       last_accepted_at = COALESCE(EXCLUDED.last_accepted_at, ingest_sources.last_accepted_at),
       last_rejected_at = COALESCE(EXCLUDED.last_rejected_at, ingest_sources.last_rejected_at),
       last_rejections = CASE WHEN jsonb_array_length(EXCLUDED.last_rejections) = 0 THEN ingest_sources.last_rejections
         ELSE (SELECT COALESCE(jsonb_agg(t.e ORDER BY t.o), '[]'::jsonb)
               FROM jsonb_array_elements(EXCLUDED.last_rejections || ingest_sources.last_rejections) WITH ORDINALITY AS t(e, o)
               WHERE t.o <= ${KEPT_REJECTIONS}) END`,
    [
      source, c.accepted, c.duplicates, c.rejected, c.skipped, at, c.accepted > 0 ? at : null, c.rejected > 0 ? at : null,
      JSON.stringify(rejections.slice(0, KEPT_REJECTIONS)), Math.floor(Math.random() * SHARDS),
    ],
  );
}

export interface SourceRow extends Counts {
  source: IngestSource;
  requests: number;
  lastReceivedAt: Date | null;
  lastAcceptedAt: Date | null;
  lastRejectedAt: Date | null;
  lastRejections: StoredRejection[];
}

const later = (a: Date | null, b: Date | null): Date | null => (a === null ? b : b === null || a >= b ? a : b);

/** Each source's totals: its shards summed, the latest times, the 20 latest rejections newest first. */
export async function readSources(q: Queryable): Promise<SourceRow[]> {
  const rows = await q.query<Record<string, unknown>>('SELECT * FROM ingest_sources ORDER BY source, shard');
  const bySource = new Map<IngestSource, SourceRow & { tagged: (StoredRejection & { order?: number })[] }>();
  for (const r of rows) {
    const source = r.source as IngestSource;
    const rejections = (typeof r.last_rejections === 'string' ? JSON.parse(r.last_rejections) : r.last_rejections) as (StoredRejection & { order?: number })[];
    const sum = bySource.get(source) ?? {
      source, requests: 0, accepted: 0, duplicates: 0, rejected: 0, skipped: 0,
      lastReceivedAt: null, lastAcceptedAt: null, lastRejectedAt: null, lastRejections: [], tagged: [],
    };
    sum.requests += r.requests as number;
    sum.accepted += r.accepted as number;
    sum.duplicates += r.duplicates as number;
    sum.rejected += r.rejected as number;
    sum.skipped += r.skipped as number;
    sum.lastReceivedAt = later(sum.lastReceivedAt, r.last_received_at as Date | null);
    sum.lastAcceptedAt = later(sum.lastAcceptedAt, r.last_accepted_at as Date | null);
    sum.lastRejectedAt = later(sum.lastRejectedAt, r.last_rejected_at as Date | null);
    sum.tagged.push(...rejections);
    bySource.set(source, sum);
  }
  return [...bySource.values()].map(({ tagged, ...sum }) => ({
    ...sum,
    // A stable sort: a request's own rejections keep their order (rows from before 0009 have none: oldest).
    lastRejections: tagged
      .sort((a, b) => (b.order ?? 0) - (a.order ?? 0))
      .slice(0, KEPT_REJECTIONS)
      .map(({ order: _order, ...rejection }) => rejection),
  }));
}

export type SettingKey = 'github_webhook_secret';

/** The sealed value of a setting (see audit-export/sealed-secrets.ts), or null. */
export async function readSetting(q: Queryable, key: SettingKey): Promise<{ sealed: Uint8Array; updatedAt: Date } | null> {
  const [r] = await q.query<{ sealed: Uint8Array; updated_at: Date }>('SELECT sealed, updated_at FROM ingest_settings WHERE key = $1', [key]);
  return r ? { sealed: r.sealed, updatedAt: r.updated_at } : null;
}

/** Set a setting to a sealed value; returns whether one was replaced. */
export async function writeSetting(q: Queryable, key: SettingKey, sealed: Uint8Array, at: Date, by: string | null): Promise<boolean> {
  const [r] = await q.query<{ replaced: boolean }>(
    `INSERT INTO ingest_settings (key, sealed, updated_at, updated_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
     RETURNING (xmax <> 0) AS replaced`,
    [key, sealed, at, by],
  );
  return r?.replaced ?? false;
}

/** Remove a secret for good: a secret no longer in use must not stay readable. */
export async function deleteSetting(q: Queryable, key: SettingKey): Promise<boolean> {
  const rows = await q.query('DELETE FROM ingest_settings WHERE key = $1 RETURNING key', [key]);
  return rows.length > 0;
}
