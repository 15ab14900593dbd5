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

const LEVELS: ReadonlySet<string> = new Set(PERMISSION_LEVELS);
const CONTEXT_KEYS: ReadonlySet<string> = new Set(['sourceIp', 'gateway']);

/** The trimmed reference when it is a string `authorizeBodySchema` accepts as one, else null. */
function plainRef(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t.length >= 1 && t.length <= 100 ? t : null;
}

/**
 * `authorizeBodySchema.parse(body)` for the everyday question (principal, action, resource, and a
 * context of source IP and gateway), without the schema's generic machinery; null for anything
 * else — a what-if time, a field error — which the schema then decides, with its own messages.
 * Whatever it returns, the schema returns too (tested against it with random bodies).
 * @example parseAuthorizeBodyFast({ principal: 'alice', action: 'read', resource: 'shop/web' }) // { …, context: {} }
 */
export function parseAuthorizeBodyFast(body: unknown): AuthorizeInput | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  for (const k in body) {
    if (Object.hasOwn(body, k) && k !== 'principal' && k !== 'action' && k !== 'resource' && k !== 'context') return null;
  }
  const b = body as Record<string, unknown>;
  const principal = plainRef(b.principal);
  const resource = plainRef(b.resource);
  if (principal === null || resource === null || typeof b.action !== 'string' || !LEVELS.has(b.action)) return null;
  const context: NonNullable<AuthorizeInput['context']> = {};
  if (b.context !== undefined) {
    const c = b.context;
    if (c === null || typeof c !== 'object' || Array.isArray(c)) return null;
    for (const k in c) if (Object.hasOwn(c, k) && !CONTEXT_KEYS.has(k)) return null;
    const { sourceIp, gateway } = c as Record<string, unknown>;
    if (sourceIp !== undefined) {
      if (sourceIp !== null && (typeof sourceIp !== 'string' || sourceIp.length > 45 || isIP(sourceIp) === 0)) return null;
      context.sourceIp = sourceIp;
    }
    if (gateway !== undefined) {
      if (typeof gateway !== 'string' || !GATEWAY_PATTERN.test(gateway)) return null;
      context.gateway = gateway;
    }
  }
  return { principal, action: b.action as PermissionLevel, resource, context };
}

export const authorizeBatchSchema = z.object({
  questions: z.array(authorizeBodySchema).min(1).max(MAX_BATCH),
}).strict();

export const batchResultSchema = z.object({ results: z.array(decisionSchema) });

/**
 * On a remembered decision (decision-memo.ts): its JSON up to `evaluatedAt`, written once. The copies
 * handed out share every field but the time, which is written per answer.
 */
export const RENDERED_HEAD: unique symbol = Symbol('decision JSON up to evaluatedAt');

/**
 * A decision as the JSON `decisionSchema` describes, written directly: the hot path of the API skips
 * the schema's generic encoder. Only the schema's fields, in its order (an allow-list like the schema).
 * @example decisionJson(decision) // '{"decision":"allow","reasons":[…],…,"evaluatedAt":"2026-03-02T10:00:00.000Z"}'
 */
export function decisionJson(d: Decision & { [RENDERED_HEAD]?: string }): string {
  return `${d[RENDERED_HEAD] ?? decisionJsonHead(d)},"evaluatedAt":${JSON.stringify(d.evaluatedAt)}}`;
}

/**
 * The decision's JSON without its last field, `evaluatedAt`, and the closing brace.
 * @example decisionJsonHead(decision) // '{"decision":"allow",…,"engagementId":null'
 */
export function decisionJsonHead(d: Decision): string {
  return JSON.stringify({
    decision: d.decision, reasons: d.reasons, policyIds: d.policyIds, grantId: d.grantId, missing: d.missing,
    principal: d.principal ? { id: d.principal.id, handle: d.principal.handle } : null,
    resource: d.resource ? { id: d.resource.id, name: d.resource.name } : null,
    action: d.action, engagementId: d.engagementId,
  }).slice(0, -1);
}
