/** @module audit/log-entry — an outbox event as a log entry: the canonical bytes hashed into the tree (tlog/entry.ts). */
import type { AuditLogEntry, EntryOutcome, JsonObject } from './tlog/index.ts';
import type { AuditEvent } from './audit-types.ts';

/** The fields of an event that its entry holds (everything but the outbox order and the leaf index). */
export type EntryFields = Omit<AuditEvent, 'seq' | 'leafIndex'>;

/**
 * The log entry of an event at leaf `index`. The row is recomputed into the same entry whenever it
 * is read: rows never change once integrated, timestamps carry milliseconds (the entry's precision)
 * and JSON details are canonicalised by RFC 8785 whatever order the database returns their keys in.
 * @example encodeEntry(entryOf(event, event.leafIndex!))
 */
export function entryOf(e: EntryFields, index: number): AuditLogEntry {
  return {
    index,
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    type: e.type,
    outcome: e.outcome as EntryOutcome,
    actor: { id: e.actor.id, handle: e.actor.handle, role: e.actor.role, ip: e.actor.ip, userAgent: e.actor.userAgent },
    target: { type: e.target.type, id: e.target.id },
    engagementId: e.engagementId,
    requestId: e.requestId,
    details: e.details as JsonObject,
  };
}
