/** @module audit/tlog/entry — the canonical byte encoding of an audit event as a log entry (docs/audit-log-format.md, "Entry"). */
import { ValidationError } from '../../../core/errors.ts';
import { canonicalizeJson, isWellFormed, type JsonObject } from './jcs.ts';

/** Outcomes an audit event can have. */
export const ENTRY_OUTCOMES = ['success', 'failure', 'denied'] as const;
/** One of {@link ENTRY_OUTCOMES}. */
export type EntryOutcome = (typeof ENTRY_OUTCOMES)[number];
/** Version of the entry encoding, written as `"v"` in every entry. */
export const ENTRY_VERSION = 1;
/** Entries larger than this (UTF-8 bytes) are refused. */
export const MAX_ENTRY_BYTES = 1 << 20;

/** An audit event at its place in the log: the outbox row plus the leaf index the sequencer gave it. */
export interface AuditLogEntry {
  /** Leaf index in the Merkle tree (0-based, gap-free). */
  readonly index: number;
  /** Event id (UUID, lower case). */
  readonly id: string;
  /** When it happened: ISO 8601 UTC with milliseconds, `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  readonly occurredAt: string;
  /** Event type, e.g. `engagement.created`. */
  readonly type: string;
  readonly outcome: EntryOutcome;
  readonly actor: {
    readonly id: string | null;
    readonly handle: string | null;
    readonly role: string | null;
    readonly ip: string | null;
    readonly userAgent: string | null;
  };
  readonly target: { readonly type: string | null; readonly id: string | null };
  readonly engagementId: string | null;
  readonly requestId: string | null;
  /** Free-form JSON object (I-JSON: finite numbers, well-formed strings). */
  readonly details: JsonObject;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const utf8 = new TextEncoder();

const ENTRY_KEYS = ['actor', 'details', 'engagementId', 'id', 'index', 'occurredAt', 'outcome', 'requestId', 'target', 'type', 'v'];
const ACTOR_KEYS = ['handle', 'id', 'ip', 'role', 'userAgent'];
const TARGET_KEYS = ['id', 'type'];

function invalid(path: string, message: string): never {
  throw new ValidationError(`invalid audit log entry: ${path} ${message}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function exactKeys(v: Record<string, unknown>, keys: readonly string[], path: string): void {
  // Count plus membership instead of sorting: this runs for every event the verifier reads.
  let n = 0;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    n++;
  }
  if (n !== keys.length || !keys.every((k) => Object.hasOwn(v, k))) invalid(path, `must have exactly the fields ${keys.join(', ')}`);
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const num = (s: string, from: number, to: number): number => Number(s.slice(from, to));

/** `YYYY-MM-DDTHH:mm:ss.sssZ` naming a real instant (arithmetic, cheaper than Date round trips). */
function isTimestamp(s: unknown): s is string {
  if (typeof s !== 'string' || !TIMESTAMP.test(s)) return false;
  const [y, mo, d, h, mi, se] = [num(s, 0, 4), num(s, 5, 7), num(s, 8, 10), num(s, 11, 13), num(s, 14, 16), num(s, 17, 19)];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = mo === 2 && !leap ? 28 : (DAYS[mo - 1] ?? 0);
  return mo >= 1 && d >= 1 && d <= days && h < 24 && mi < 60 && se < 60;
}

function text(v: unknown, path: string): string {
  if (typeof v !== 'string') invalid(path, 'must be a string');
  if (!isWellFormed(v)) invalid(path, 'is not well-formed Unicode');
  return v;
}

function label(v: unknown, path: string): string {
  const s = text(v, path);
  if (s.length === 0 || s.length > 200 || CONTROL.test(s)) invalid(path, 'must be 1-200 characters without control characters');
  return s;
}

function nullableText(v: unknown, path: string): string | null {
  return v === null ? null : text(v, path);
}

function checkFields(v: Record<string, unknown>, withVersion: boolean): void {
  if (withVersion) {
    exactKeys(v, ENTRY_KEYS, 'entry');
    if (v.v !== ENTRY_VERSION) invalid('v', `must be ${ENTRY_VERSION}`);
  } else {
    exactKeys(v, ENTRY_KEYS.filter((k) => k !== 'v'), 'entry');
  }
  if (typeof v.index !== 'number' || !Number.isSafeInteger(v.index) || v.index < 0) invalid('index', 'must be a non-negative integer');
  if (typeof v.id !== 'string' || !UUID.test(v.id)) invalid('id', 'must be a lower-case UUID');
  if (!isTimestamp(v.occurredAt)) invalid('occurredAt', 'must be an ISO 8601 UTC timestamp with milliseconds');
  label(v.type, 'type');
  if (!ENTRY_OUTCOMES.includes(v.outcome as EntryOutcome)) invalid('outcome', `must be one of ${ENTRY_OUTCOMES.join(', ')}`);
  if (!isRecord(v.actor)) invalid('actor', 'must be an object');
  exactKeys(v.actor, ACTOR_KEYS, 'actor');
  for (const k of ACTOR_KEYS) nullableText(v.actor[k], `actor.${k}`);
  if (!isRecord(v.target)) invalid('target', 'must be an object');
  exactKeys(v.target, TARGET_KEYS, 'target');
  for (const k of TARGET_KEYS) nullableText(v.target[k], `target.${k}`);
  nullableText(v.engagementId, 'engagementId');
  nullableText(v.requestId, 'requestId');
  if (!isRecord(v.details)) invalid('details', 'must be a JSON object');
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
// JSON.stringify of a string is what RFC 8785 §3.2.2.2 asks for; most strings need no escaping at
// all, and quoting them directly is several times cheaper on the verifier's hot path.
const str = (s: string | null): string => (s === null ? 'null' : NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

/**
 * The canonical text of an entry: RFC 8785 (JCS) JSON of the entry's fields plus `"v":1`, one
 * line. The fixed fields are written in their JCS order directly (same bytes as
 * `canonicalizeJson`, checked by the tests) because this runs once per event in the verifier.
 *
 * @example
 * encodeEntryText(entry) // '{"actor":{"handle":"ada",...},"details":{},...,"type":"engagement.created","v":1}'
 */
export function encodeEntryText(entry: AuditLogEntry): string {
  if (!isRecord(entry)) invalid('entry', 'must be an object');
  checkFields(entry as unknown as Record<string, unknown>, false);
  return writeChecked(entry);
}

function writeChecked(entry: AuditLogEntry): string {
  const { actor, target } = entry;
  const out =
    `{"actor":{"handle":${str(actor.handle)},"id":${str(actor.id)},"ip":${str(actor.ip)},"role":${str(actor.role)},` +
    `"userAgent":${str(actor.userAgent)}},"details":${canonicalizeJson(entry.details)},` +
    `"engagementId":${str(entry.engagementId)},"id":${str(entry.id)},"index":${entry.index},` +
    `"occurredAt":${str(entry.occurredAt)},"outcome":${str(entry.outcome)},"requestId":${str(entry.requestId)},` +
    `"target":{"id":${str(target.id)},"type":${str(target.type)}},"type":${str(entry.type)},"v":${ENTRY_VERSION}}`;
  if (out.length > MAX_ENTRY_BYTES) invalid('entry', `is larger than ${MAX_ENTRY_BYTES} bytes`);
  return out;
}

/**
 * The entry bytes that are hashed into the leaf (RFC 9162 §2.1.1 `d[i]`): UTF-8 of
 * {@link encodeEntryText}.
 *
 * @example
 * const leaf = hashLeaf(encodeEntry(entry));
 */
export function encodeEntry(entry: AuditLogEntry): Uint8Array {
  const bytes = utf8.encode(encodeEntryText(entry));
  if (bytes.length > MAX_ENTRY_BYTES) invalid('entry', `is larger than ${MAX_ENTRY_BYTES} bytes`);
  return bytes;
}

function parseCanonical(line: string): Record<string, unknown> {
  if (typeof line !== 'string') invalid('entry', 'must be a string');
  if (line.length > MAX_ENTRY_BYTES) invalid('entry', `is larger than ${MAX_ENTRY_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    invalid('entry', 'is not JSON');
  }
  if (!isRecord(value)) invalid('entry', 'must be an object');
  checkFields(value, true);
  if (writeChecked(value as unknown as AuditLogEntry) !== line) invalid('entry', 'is not in canonical form (RFC 8785)');
  return value;
}

/**
 * Parses one entry line and checks that it is exactly the canonical encoding of a valid entry
 * (so no two byte strings ever stand for the same event). Throws ValidationError otherwise.
 *
 * @example
 * decodeEntry(line).index
 */
export function decodeEntry(line: string): AuditLogEntry {
  const { v: _version, ...entry } = parseCanonical(line);
  return entry as unknown as AuditLogEntry;
}

/**
 * Like {@link decodeEntry} but returns only the leaf index (the verifier's hot path).
 *
 * @example
 * canonicalEntryIndex(line) // 17
 */
export function canonicalEntryIndex(line: string): number {
  return parseCanonical(line).index as number;
}
