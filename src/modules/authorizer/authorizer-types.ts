/** @module authorizer/authorizer-types — the question the authorizer answers and its answer, as the API shows them. */
import { isIP } from 'node:net';
import { z } from 'zod';
import { PERMISSION_LEVELS, type PermissionLevel } from '../access/request-policy.ts';

export const GATEWAY_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
export const MAX_BATCH = 100;

/** A question from a gateway or a client. `principal` and `resource` take an id or a handle/name. */
export interface AuthorizeInput {
  principal: string;
  action: PermissionLevel;
  resource: string;
  context?: {
    /** Where the attempt comes from (IPv4 or IPv6), when known. */
    sourceIp?: string | null | undefined;
    /** Decide as of this moment instead of now (what-if questions; gateways leave it out). */
    time?: Date | undefined;
    /** Who asks: 'api' (default), 'git', 'ssh', … */
    gateway?: string | undefined;
  } | undefined;
}

export interface Decision {
  decision: 'allow' | 'deny';
  /** Why, in words: which grant and policy allowed, or every reason it was denied. */
  reasons: string[];
  /** The policies that decided (the matching permits on allow, the matching forbids on deny). */
  policyIds: string[];
  /** The grant that allows, on allow. */
  grantId: string | null;
  /** On deny: what would have to change (a grant, unmet readiness requirements). */
  missing: string[];
  principal: { id: string; handle: string } | null;
  resource: { id: string; name: string } | null;
  action: PermissionLevel;
  engagementId: string | null;
  evaluatedAt: Date;
}

const ref = z.string().trim().min(1).max(100);

export const authorizeBodySchema = z.object({
  principal: ref.describe('person id or handle'),
  action: z.enum(PERMISSION_LEVELS),
  resource: ref.describe('resource id or name'),
  context: z.object({
    sourceIp: z.string().max(45).refine((s) => isIP(s) !== 0, 'not an IPv4 or IPv6 address').nullable().optional(),
    time: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional().describe('decide as of this moment (default: now)'),
    gateway: z.string().regex(GATEWAY_PATTERN, 'lowercase letters, digits and "-", up to 32 characters').optional().describe("who asks (default 'api')"),
  }).strict().default({}),
}).strict();

export const decisionSchema = z.object({
  decision: z.enum(['allow', 'deny']),
  reasons: z.array(z.string()),
  policyIds: z.array(z.string()),
  grantId: z.uuid().nullable(),
  missing: z.array(z.string()),
  principal: z.object({ id: z.uuid(), handle: z.string() }).nullable(),
  resource: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  action: z.enum(PERMISSION_LEVELS),
  engagementId: z.uuid().nullable(),
  evaluatedAt: z.date(),
});

export const authorizeBatchSchema = z.object({
  questions: z.array(authorizeBodySchema).min(1).max(MAX_BATCH),
}).strict();

export const batchResultSchema = z.object({ results: z.array(decisionSchema) });
