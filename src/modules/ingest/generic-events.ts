/**
 * @module ingest/generic-events — events from any other system, in Palisade's documented JSON shape
 * (docs/ingestion.md). They are recorded as `external.<source>.<type>`, so that no sender can make
 * an event look like one of Palisade's own (`person.created`, `auth.failed` …).
 */
import { z } from 'zod';
import { OUTCOMES } from '../audit/audit-types.ts';
import type { IngestItem, ItemError, Position, ReadResult } from './ingest-items.ts';
import { checkJsonValue, type JsonValue } from './json-values.ts';

export const MAX_GENERIC_DETAILS_BYTES = 16 * 1024;
const MAX_DETAILS_DEPTH = 8;
const RESERVED_SOURCES = ['sshd', 'github'];

export const genericEventSchema = z
  .object({
    source: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{1,39}$/, 'lowercase letters, digits, "_" or "-", 2 to 40 characters, starting with a letter')
      .refine((s) => !RESERVED_SOURCES.includes(s), 'sshd and github have their own endpoints')
      .describe('the sending system, e.g. `vpn` or `okta`'),
    sourceEventId: z.string().min(1).max(200).describe('the event\'s id in the sending system; sending it again records nothing new'),
    occurredAt: z.iso.datetime({ offset: true }).describe('when it happened, ISO 8601 with a UTC offset'),
    type: z
      .string()
      .max(100)
      .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'lowercase words joined by "."')
      .describe('recorded as external.<source>.<type>, e.g. external.vpn.login'),
    outcome: z.enum(OUTCOMES),
    actor: z
      .object({
        handle: z.string().min(1).max(100).optional().describe('the acting person\'s Palisade handle, if known'),
        ip: z.union([z.ipv4(), z.ipv6()]).optional(),
        userAgent: z.string().max(512).optional(),
      })
      .strict()
      .optional(),
    target: z
      .object({ type: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'lowercase letters, digits and "_"'), id: z.string().min(1).max(200) })
      .strict()
      .optional(),
    details: z.record(z.string(), z.unknown()).optional().describe(`free-form, at most ${MAX_GENERIC_DETAILS_BYTES / 1024} KiB and ${MAX_DETAILS_DEPTH} levels deep`),
  })
  .strict()
  .describe('a generic event; send one, an array, or NDJSON');
export type GenericEvent = z.infer<typeof genericEventSchema>;

function readOne(value: unknown, position: Position): IngestItem | ItemError[] {
  const parsed = genericEventSchema.safeParse(value);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => ({ ...position, ...(i.path.length ? { path: i.path.join('.') } : {}), message: i.message }));
  }
  const e = parsed.data;
  const details = e.details ?? {};
  const problem = checkJsonValue(details, MAX_DETAILS_DEPTH);
  if (problem) return [{ ...position, path: problem.path ? `details.${problem.path}` : 'details', message: problem.message }];
  if (JSON.stringify(details).length > MAX_GENERIC_DETAILS_BYTES) return [{ ...position, path: 'details', message: `larger than ${MAX_GENERIC_DETAILS_BYTES / 1024} KiB` }];
  return {
    position,
    sourceKey: `${e.source}\n${e.sourceEventId}`,
    type: `external.${e.source}.${e.type}`,
    outcome: e.outcome,
    sourceTime: new Date(e.occurredAt),
    actor: { handle: e.actor?.handle, ip: e.actor?.ip ?? null, userAgent: e.actor?.userAgent ?? null },
    target: e.target ?? null,
    details,
    ingest: { sourceEventId: e.sourceEventId, system: e.source, sourceTimeText: e.occurredAt, ...(e.actor?.handle ? { claimedHandle: e.actor.handle } : {}) },
  };
}

/**
 * Validate generic events one by one; each refused event is reported with its field paths.
 * @example readGenericEvents(splitJsonBody(body).values)
 */
export function readGenericEvents(values: JsonValue[]): ReadResult {
  const result: ReadResult = { items: [], errors: [], skipped: {} };
  for (const { value, position } of values) {
    const read = readOne(value, position);
    if (Array.isArray(read)) result.errors.push(...read);
    else result.items.push(read);
  }
  return result;
}
