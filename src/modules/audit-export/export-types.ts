/** @module audit-export/export-types — API shapes of event export and of export sinks (HTTP endpoints, syslog). */
import { z } from 'zod';

export const EXPORT_FORMATS = ['jsonl', 'ocsf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const SINK_STATUSES = ['active', 'removed'] as const;

export const exportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS).default('jsonl').describe('jsonl: Palisade\'s event JSON; ocsf: OCSF 1.3 event objects'),
  since: z.iso.datetime({ offset: true }).optional().describe('recorded at or after'),
  until: z.iso.datetime({ offset: true }).optional().describe('recorded before'),
  type: z.array(z.string().max(100)).or(z.string().max(100).transform((s) => [s])).optional()
    .describe('exact type or prefix ending in `.*`; repeat for several'),
  afterIndex: z.coerce.number().int().min(-1).default(-1).describe('only events after this leaf index (resume a previous export)'),
});
export type ExportQuery = z.infer<typeof exportQuerySchema>;

const name = z.string().trim().min(1).max(100);
const batchSize = z.number().int().min(1).max(1000).default(100).describe('events per POST or per TCP connection');
const startAt = z.enum(['beginning', 'now']).default('beginning').describe('deliver the whole log, or only events integrated from now on');
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'an HTTP header name');
const HOST = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$|^[0-9.]+$|^[0-9a-fA-F:]+$/;

export const httpSinkInput = z
  .object({
    kind: z.literal('http'),
    name,
    format: z.enum(EXPORT_FORMATS).default('jsonl'),
    url: z
      .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
      .max(2000)
      .refine((u) => !new URL(u).username && !new URL(u).password, 'no credentials in the URL: send them as a header, which is stored sealed'),
    headers: z.record(headerName, z.string().min(1).max(4096)).optional().describe('sent with every POST (e.g. Authorization); stored sealed, never shown again'),
    batchSize,
    startAt,
  })
  .strict();

export const syslogSinkInput = z
  .object({
    kind: z.literal('syslog'),
    name,
    format: z.enum(EXPORT_FORMATS).default('jsonl'),
    host: z.string().regex(HOST, 'a host name or IP address'),
    port: z.number().int().min(1).max(65535),
    tls: z.boolean().default(false).describe('RFC 5425 (syslog over TLS, same framing); the server certificate must be trusted'),
    caCert: z.string().max(20_000).optional().describe('PEM CA certificate to trust for tls, when the collector\'s is private'),
    facility: z.number().int().min(0).max(23).default(13).describe('RFC 5424 facility; 13 = log audit'),
    hostname: z.string().regex(/^[\x21-\x7e]{1,255}$/).optional().describe('HOSTNAME field; default this server\'s host name'),
    appName: z.string().regex(/^[\x21-\x7e]{1,48}$/).default('palisade'),
    sdId: z.string().regex(/^[\x21\x23-\x3c\x3e-\x5c\x5e-\x7e]{1,32}$/, 'an SD-ID: printable ASCII without =, ], " or space').default('palisade@32473')
      .describe('structured-data id; name@<your private enterprise number>'),
    batchSize,
    startAt,
  })
  .strict();

export const createSinkSchema = z.discriminatedUnion('kind', [httpSinkInput, syslogSinkInput]);
export type CreateSinkInput = z.infer<typeof createSinkSchema>;

/** What is stored in audit_sinks.config (everything but the sealed headers). */
export type HttpSinkConfig = Omit<z.infer<typeof httpSinkInput>, 'kind' | 'name' | 'format' | 'headers' | 'startAt'> & { headerNames: string[] };
export type SyslogSinkConfig = Omit<z.infer<typeof syslogSinkInput>, 'kind' | 'name' | 'format' | 'startAt'>;

export const sinkSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(['http', 'syslog']),
  format: z.enum(EXPORT_FORMATS),
  status: z.enum(SINK_STATUSES),
  destination: z.string().describe('the URL (query string hidden) or syslog+tcp:// / syslog+tls:// address'),
  headerNames: z.array(z.string()).describe('HTTP headers sent; their values are never shown'),
  batchSize: z.number().int(),
  position: z.number().int().describe('leaf index of the last event delivered; -1 before the first'),
  lag: z.number().int().describe('events integrated in the log but not yet delivered'),
  delivered: z.number().int(),
  failures: z.number().int().describe('consecutive failed attempts; 0 after a success'),
  nextAttemptAt: z.date().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.date().nullable(),
  lastDeliveredAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Sink = z.infer<typeof sinkSchema>;

export const listSinksQuerySchema = z.object({
  status: z.enum(SINK_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListSinksQuery = z.infer<typeof listSinksQuerySchema>;
