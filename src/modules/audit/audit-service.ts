/**
 * @module audit/audit-service — records audit events in the caller's transaction (the outbox)
 * and reads them back for admins and auditors.
 */
import type { Clock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import { decodeCursor, toPage, type Page } from '../../core/pagination.ts';
import { ValidationError } from '../../core/errors.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { AnyActor, RequestOrigin } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { findEvents, insertEvent, insertEvents, type AuditRow } from './audit-store.ts';
import { entryOf } from './log-entry.ts';
import { encodeEntry, encodeEntryText, type JsonObject } from './tlog/index.ts';
import { MAX_ENTRY_BYTES } from './tlog/entry.ts';
import { MAX_DEPTH } from './tlog/jcs.ts';
import type { AuditEvent, AuditEventInput, AuditQuery } from './audit-types.ts';

export interface AuditService {
  /**
   * Write one event on `tx`, which must be the transaction that makes the change, so that the
   * change and its event commit together or not at all.
   * @example await audit.record(tx, actor, { type: 'vendor.created', outcome: 'success', target: { type: 'vendor', id } });
   */
  record(tx: Queryable, actor: AnyActor | RequestOrigin, event: AuditEventInput): Promise<string>;
  /**
   * Write many events on `tx` in one statement (ingestion: one request, many events). Same rules as
   * `record`; returns the ids in the order given.
   * @example await audit.recordMany(tx, lines.map((l) => ({ actor: origin, event: toEvent(l) })));
   */
  recordMany(tx: Queryable, items: readonly { actor: AnyActor | RequestOrigin; event: AuditEventInput }[]): Promise<string[]>;
  /**
   * The row `record` would write, with its id and time fixed now, for writers that journal an event
   * before it reaches the database (authorizer/deny-recorder.ts). Throws as `record` does.
   */
  prepare(actor: AnyActor | RequestOrigin, event: AuditEventInput): AuditRow;
  /** Write prepared rows in one statement; a row whose id is already stored is skipped (a replayed journal). */
  recordPrepared(tx: Queryable, rows: readonly AuditRow[]): Promise<void>;
  list(actor: AnyActor, query: AuditQuery): Promise<Page<AuditEvent>>;
}

/** A `\uD800`-`\uDFFF` escape: JSON.stringify writes a lone surrogate so, never a paired one. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** At most MAX_DEPTH brackets in all means nesting of at most MAX_DEPTH, without parsing. */
function shallow(json: string): boolean {
  let brackets = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if ((c === 0x7b || c === 0x5b) && ++brackets > MAX_DEPTH) return false;
  }
  return true;
}

/**
 * Refuse, before it is written, an event that could not become a log entry (a type with control
 * characters, details over 1 MiB …): the sequencer must be able to integrate every outbox row.
 * The fixed fields are checked by encoding the entry with empty details. The details (as the
 * database will store them: their JSON text) are then only looked at: an object, no lone surrogate,
 * not nested too deeply, small — what canonical encoding could refuse. Anything else takes the full
 * check: parsed back from JSON and encoded to UTF-8 bytes at the longest possible index.
 */
function assertEncodable(row: AuditRow): void {
  const entry = entryOf(
    {
      ...row,
      details: {},
      actor: { id: row.actorId, handle: row.actorHandle, role: row.actorRole, ip: row.actorIp, userAgent: row.actorUserAgent },
      target: { type: row.targetType, id: row.targetId },
    },
    Number.MAX_SAFE_INTEGER,
  );
  const fixed = encodeEntryText(entry);
  const json = row.detailsJson;
  // Three UTF-8 bytes per UTF-16 unit at most: a bound on the entry's size without encoding it.
  const small = 3 * (fixed.length + json.length) <= MAX_ENTRY_BYTES;
  if (small && json.charCodeAt(0) === 0x7b && !SURROGATE_ESCAPE.test(json) && shallow(json)) return;
  encodeEntry({ ...entry, details: JSON.parse(json) as JsonObject });
}

export function createAuditService(deps: { db: Database; clock: Clock }): AuditService {
  const rowOf = (actor: AnyActor | RequestOrigin, event: AuditEventInput, occurredAt: Date): AuditRow => {
    const person = 'kind' in actor && actor.kind === 'person' ? actor : null;
    const row: AuditRow = {
      id: newId(),
      occurredAt,
      type: event.type,
      outcome: event.outcome,
      actorId: person?.personId ?? null,
      actorHandle: person ? person.handle : 'kind' in actor && actor.kind === 'system' ? 'system' : null,
      actorRole: person?.role ?? null,
      actorIp: actor.ip,
      actorUserAgent: actor.userAgent,
      targetType: event.target?.type ?? null,
      targetId: event.target?.id ?? null,
      engagementId: event.engagementId ?? null,
      requestId: actor.requestId,
      detailsJson: JSON.stringify(event.details ?? {}),
    };
    assertEncodable(row);
    return row;
  };

  return {
    async record(tx, actor, event) {
      const row = rowOf(actor, event, deps.clock.now());
      await insertEvent(tx, row);
      return row.id;
    },

    async recordMany(tx, items) {
      const now = deps.clock.now();
      const rows = items.map(({ actor, event }) => rowOf(actor, event, now));
      await insertEvents(tx, rows);
      return rows.map((r) => r.id);
    },

    prepare: (actor, event) => rowOf(actor, event, deps.clock.now()),

    recordPrepared: (tx, rows) => insertEvents(tx, rows, { skipStoredIds: true }),

    async list(actor, query) {
      assertPermitted(actor, 'audit.read');
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (after !== null && typeof after !== 'number') throw new ValidationError('invalid cursor');
      const rows = await findEvents(deps.db, query, after);
      return toPage(rows, query.limit, (e) => e.seq);
    },
  };
}
