/** @module detection/detection-types — API shapes of alerts and notification channels. */
import { isIP } from 'node:net';
import { z } from 'zod';

export const SEVERITY_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITY_LEVELS)[number];
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

const personRef = z.object({ id: z.uuid(), handle: z.string().nullable() });

export const alertSchema = z.object({
  id: z.uuid(),
  ruleId: z.string(),
  title: z.string(),
  ruleKind: z.enum(['detection', 'correlation']),
  severity: z.enum(SEVERITY_LEVELS),
  status: z.enum(ALERT_STATUSES),
  subject: z.string().describe('who or what the alert is about: a developer handle, a source address …'),
  groupKey: z.string().describe('rule and subject: further firings within the grouping window are folded into this alert'),
  developer: personRef.nullable(),
  engagementId: z.uuid().nullable(),
  assignee: personRef.nullable(),
  firstSeenAt: z.date(),
  lastSeenAt: z.date(),
  count: z.number().int().describe('how many times the rule fired for this subject'),
  tags: z.array(z.string()),
  groupBy: z.record(z.string(), z.string()),
  resolution: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  acknowledgedAt: z.date().nullable(),
  resolvedAt: z.date().nullable(),
});
export type Alert = z.infer<typeof alertSchema>;

export const alertEventSchema = z.object({
  eventId: z.uuid(),
  leafIndex: z.number().int().describe('position in the tamper-evident log; GET /api/v1/audit/events/{id} gives its inclusion proof'),
  type: z.string(),
  occurredAt: z.date(),
});
export const alertDetailSchema = alertSchema.extend({ events: z.array(alertEventSchema) });
export type AlertDetail = z.infer<typeof alertDetailSchema>;

export const listAlertsQuerySchema = z.object({
  status: z.enum(ALERT_STATUSES).optional(),
  severity: z.enum(SEVERITY_LEVELS).optional().describe('this severity and above'),
  ruleId: z.string().max(200).optional(),
  developerId: z.uuid().optional(),
  engagementId: z.uuid().optional(),
  assigneeId: z.uuid().optional(),
  since: z.iso.datetime({ offset: true }).optional().describe('last seen at or after'),
  until: z.iso.datetime({ offset: true }).optional().describe('first seen before'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListAlertsQuery = z.infer<typeof listAlertsQuerySchema>;

const comment = z.string().trim().min(1).max(2000);
export const acknowledgeBodySchema = z.object({ comment: comment.optional() }).strict();
export const assignBodySchema = z.object({ assignee: z.string().min(1).max(100).nullable().describe('person id or handle (an admin); null unassigns') }).strict();
export const resolveBodySchema = z.object({ resolution: comment.describe('what was found and done') }).strict();

// Channels.
export const CHANNEL_KINDS = ['webhook', 'slack', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)$/i;
/** Whether a host name is this machine (plain HTTP and unencrypted SMTP are allowed only there). */
export const isLoopback = (host: string) => LOOPBACK.test(host);

const httpsUrl = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(2000)
  .refine((u) => { const url = new URL(u); return url.protocol === 'https:' || isLoopback(url.hostname); }, 'https:// is required (plain http only to a loopback address)');

const name = z.string().trim().min(1).max(100);
const minSeverity = z.enum(SEVERITY_LEVELS).default('medium').describe('send alerts of this severity and above');

export const createChannelSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('webhook'), name, minSeverity, url: httpsUrl,
    secret: z.string().min(16).max(200).optional().describe('HMAC-SHA256 key for X-Palisade-Signature; generated (and shown once) when left out'),
  }).strict(),
  z.object({ kind: z.literal('slack'), name, minSeverity, url: httpsUrl.describe('the incoming-webhook URL (kept sealed: it is a credential)') }).strict(),
  z.object({
    kind: z.literal('email'), name, minSeverity,
    host: z.string().min(1).max(253).refine((h) => /^[A-Za-z0-9.-]+$/.test(h) || isIP(h) !== 0, 'a host name or address'),
    port: z.number().int().min(1).max(65535).default(587),
    tls: z.enum(['implicit', 'starttls', 'none']).default('starttls').describe("'none' only to a loopback SMTP server"),
    from: z.email().max(254),
    to: z.array(z.email().max(254)).min(1).max(20),
    username: z.string().min(1).max(200).optional(),
    password: z.string().min(1).max(500).optional(),
  }).strict().refine((c) => c.tls !== 'none' || isLoopback(c.host), { message: 'unencrypted SMTP only to a loopback server', path: ['tls'] })
    .refine((c) => (c.username === undefined) === (c.password === undefined), { message: 'give both username and password, or neither', path: ['password'] }),
]);
export type CreateChannelInput = z.infer<typeof createChannelSchema>;

export const channelSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  minSeverity: z.enum(SEVERITY_LEVELS),
  destination: z.string().describe('where it sends, without credentials'),
  status: z.enum(['active', 'removed']),
  pending: z.number().int().describe('deliveries not yet taken by the channel'),
  delivered: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Channel = z.infer<typeof channelSchema>;
export const createdChannelSchema = channelSchema.extend({ secret: z.string().optional().describe('the generated webhook secret, shown this once') });

export const listChannelsQuerySchema = z.object({
  status: z.enum(['active', 'removed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListChannelsQuery = z.infer<typeof listChannelsQuerySchema>;
