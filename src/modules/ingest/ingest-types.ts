/** @module ingest/ingest-types — API shapes of ingestion: the report every ingest call returns, per-source statistics, settings. */
import { z } from 'zod';
import { timeZoneSchema } from '../people/people-types.ts';

export const SOURCES = ['sshd', 'github', 'events'] as const;

const itemErrorSchema = z.object({
  line: z.number().int().optional().describe('1-based line of the body (text and NDJSON bodies)'),
  index: z.number().int().optional().describe('0-based position in a JSON array body (0 for a single event)'),
  path: z.string().optional().describe('the field at fault'),
  message: z.string(),
});

export const ingestReportSchema = z.object({
  source: z.enum(SOURCES),
  accepted: z.number().int().describe('new events recorded in the audit log'),
  duplicates: z.number().int().describe('events already ingested before (or twice in this body): recorded once'),
  rejected: z.number().int().describe('malformed lines or events; each is listed in errors'),
  skipped: z.number().int().describe('well-formed input that is not for this source (other programs\' lines, blank lines, journal markers)'),
  skippedReasons: z.record(z.string(), z.number().int()),
  errors: z.array(itemErrorSchema).describe('why each rejected line or event was refused (the first 100)'),
  errorsTruncated: z.boolean(),
});
export type IngestReport = z.infer<typeof ingestReportSchema>;

export const sshdQuerySchema = z.object({
  host: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/, 'a host name: letters, digits, ".", "_" and "-"')
    .describe('the host the log comes from'),
  year: z.coerce.number().int().min(1970).max(9999).optional().describe('year of classic syslog timestamps (default: current year, or last year for dates ahead)'),
  tz: timeZoneSchema.default('UTC').describe('IANA zone of classic syslog timestamps (ISO timestamps carry their own offset)'),
});

const rejectionSchema = itemErrorSchema.extend({ at: z.string(), requestId: z.string().nullable() });

export const sourceStatsSchema = z.object({
  source: z.enum(SOURCES),
  requests: z.number().int(),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  skipped: z.number().int(),
  lastReceivedAt: z.date().nullable(),
  lastAcceptedAt: z.date().nullable(),
  lastRejectedAt: z.date().nullable(),
  lastRejections: z.array(rejectionSchema).describe('the 20 most recent rejections, newest first'),
});

export const ingestStatsSchema = z.object({
  sources: z.array(sourceStatsSchema),
  githubWebhookSecretConfigured: z.boolean(),
});
export type IngestStats = z.infer<typeof ingestStatsSchema>;

export const setGithubSecretSchema = z.object({
  secret: z
    .string()
    .min(16, 'at least 16 characters; better, leave it out and let Palisade generate one')
    .max(256)
    .regex(/^\S(.*\S)?$/s, 'no leading or trailing white space')
    .optional()
    .describe('the secret entered in GitHub; omit to have a random one generated and returned once'),
});

export const githubSecretResultSchema = z.object({
  configured: z.boolean(),
  updatedAt: z.date().nullable(),
  secret: z.string().optional().describe('only when generated: shown this once, enter it in GitHub now'),
});
