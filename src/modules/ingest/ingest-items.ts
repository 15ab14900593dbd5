/**
 * @module ingest/ingest-items — what every ingestion source produces: items ready to become audit
 * events (with the key that makes re-sending harmless), and the per-line or per-field reasons for
 * everything refused. Nothing is dropped without a line in the report.
 */
import type { Outcome } from '../audit/audit-types.ts';

export type IngestSource = 'sshd' | 'github' | 'events';

/** Where an item came from in the request: its line (text and NDJSON) or its index (a JSON array). */
export interface Position {
  line?: number;
  index?: number;
}

export interface ItemError extends Position {
  /** The field, e.g. `occurredAt` or `actor.ip`, when one field is at fault. */
  path?: string;
  message: string;
}

export interface IngestItem {
  position: Position;
  /** Unique per source event within the source; re-sending the event yields the same key. */
  sourceKey: string;
  type: string;
  outcome: Outcome;
  /** When it happened at the source. */
  sourceTime: Date;
  /** How to find the Palisade person behind the event, and the client's address. */
  actor: { sshFingerprint?: string | undefined; handle?: string | undefined; ip: string | null; userAgent: string | null };
  target: { type: string; id: string } | null;
  /** A resource that may stand for the target (an ssh_host or git_repository resource of that name). */
  resource?: { kind: 'ssh_host' | 'git_repository'; name: string } | undefined;
  /** Source-specific details; the service adds `ingest` (source, key, time, actor match). */
  details: Record<string, unknown>;
  /** Source-specific additions to `details.ingest` (e.g. a line's occurrence). */
  ingest?: Record<string, unknown> | undefined;
}

export interface ReadResult {
  items: IngestItem[];
  errors: ItemError[];
  /** Counts of input that is well-formed but not for us (other programs' lines, blank lines…), by reason. */
  skipped: Record<string, number>;
}

/**
 * Add one to a skip reason.
 * @example skip(result.skipped, 'not an sshd line')
 */
export function skip(skipped: Record<string, number>, reason: string): void {
  skipped[reason] = (skipped[reason] ?? 0) + 1;
}
