/** @module audit/audit-types — the audit event as written to the outbox and read back. */
import { z } from 'zod';

export const OUTCOMES = ['success', 'failure', 'denied'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What a service hands to `recordEvent`; the actor comes separately. */
export interface AuditEventInput {
  /** `<noun>.<verb>` in the past tense, e.g. `engagement.created`, `auth.failed`. */
  type: string;
  outcome: Outcome;
  target?: { type: string; id: string } | undefined;
  engagementId?: string | null | undefined;
  details?: Record<string, unknown> | undefined;
}

export const auditEventSchema = z.object({
  seq: z.number().int(),
  id: z.uuid(),
  occurredAt: z.date(),
  type: z.string(),
  outcome: z.enum(OUTCOMES),
  actor: z.object({
    id: z.string().nullable(),
    handle: z.string().nullable(),
    role: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  }),
  target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  engagementId: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  leafIndex: z.number().int().nullable().describe('position in the tamper-evident log; null until the sequencer has integrated the event'),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const auditQuerySchema = z.object({
  type: z.string().max(100).optional().describe('exact type, or a prefix ending in `.*` (e.g. `engagement.*`)'),
  actorId: z.uuid().optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(100).optional(),
  engagementId: z.uuid().optional(),
  outcome: z.enum(OUTCOMES).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
