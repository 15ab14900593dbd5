/** @module access/access-types — API shapes of access requests, approvers' decisions, grants and designated approvers. */
import { z } from 'zod';
import { isoDuration } from './settings-types.ts';
import { DUTIES, PERMISSION_LEVELS } from './request-policy.ts';

export const REQUEST_STATUSES = ['pending', 'approved', 'denied', 'expired', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const GRANT_STATES = ['active', 'expired', 'revoked'] as const;
export const JUSTIFICATION_MIN = 10;

const text = (min: number, max: number) =>
  z.string().trim().min(min).max(max).regex(/^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$/, 'control characters other than newline and tab are not allowed');

export const decisionRecordSchema = z.object({
  approverId: z.uuid(),
  approverHandle: z.string(),
  decision: z.enum(['approve', 'deny']),
  comment: z.string().nullable(),
  decidedAt: z.date(),
});
export type DecisionRecord = z.infer<typeof decisionRecordSchema>;

export const policyDecisionSchema = z.object({
  outcome: z.enum(['deny', 'auto_approve', 'require_approval']),
  approvalsRequired: z.number().int(),
  reasons: z.array(z.string()),
  policyIds: z.array(z.string()),
});

export const accessRequestSchema = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  personHandle: z.string(),
  engagementId: z.uuid(),
  resourceId: z.uuid(),
  resourceName: z.string(),
  permission: z.enum(PERMISSION_LEVELS),
  duration: z.string().describe('ISO 8601'),
  durationSeconds: z.number().int(),
  justification: z.string(),
  status: z.enum(REQUEST_STATUSES),
  approvalsRequired: z.number().int(),
  approvals: z.number().int().describe('distinct approvers who approved so far'),
  policy: policyDecisionSchema.describe("the policy's answer when the request was made"),
  statusReason: z.string().nullable().describe('why the request left pending, in words'),
  requestedBy: z.uuid(),
  requestedByHandle: z.string(),
  createdAt: z.date(),
  expiresAt: z.date().describe('when the request expires if still pending'),
  decidedAt: z.date().nullable(),
  grantId: z.uuid().nullable(),
  decisions: z.array(decisionRecordSchema),
});
export type AccessRequest = z.infer<typeof accessRequestSchema>;

export const createAccessRequestSchema = z.object({
  resource: z.string().min(1).max(100).describe('resource id or name'),
  permission: z.enum(PERMISSION_LEVELS),
  duration: isoDuration(60, 366 * 86_400, 'the duration').describe('ISO 8601, e.g. PT8H, P3D; at most the environment\'s maximum'),
  justification: text(JUSTIFICATION_MIN, 2000).describe(`why the access is needed (at least ${JUSTIFICATION_MIN} characters)`),
  engagementId: z.uuid(),
  personId: z.uuid().optional().describe('admins only: the developer the request is for (default: the caller)'),
}).strict();
export type CreateAccessRequestInput = z.infer<typeof createAccessRequestSchema>;

export const approveSchema = z.object({ comment: text(1, 2000).optional() }).strict();
export const denySchema = z.object({ comment: text(3, 2000).describe('why: required when denying') }).strict();
export const cancelSchema = z.object({ reason: text(1, 2000).optional() }).strict();

export const listAccessRequestsQuerySchema = z.object({
  status: z.enum(REQUEST_STATUSES).optional(),
  personId: z.uuid().optional(),
  resourceId: z.uuid().optional(),
  engagementId: z.uuid().optional(),
  pendingFor: z.literal('me').optional().describe("'me': pending requests the caller may still decide (an approver's inbox)"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListAccessRequestsQuery = z.infer<typeof listAccessRequestsQuerySchema>;

export const grantSchema = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  personHandle: z.string(),
  engagementId: z.uuid(),
  resourceId: z.uuid(),
  resourceName: z.string(),
  permission: z.enum(PERMISSION_LEVELS),
  requestId: z.uuid().nullable(),
  startsAt: z.date(),
  endsAt: z.date(),
  state: z.enum(GRANT_STATES).describe('at the time of the answer: revoked, expired (past endsAt) or active'),
  revokedAt: z.date().nullable(),
  revokedBy: z.uuid().nullable(),
  revokeReason: z.string().nullable(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
});
export type Grant = z.infer<typeof grantSchema>;

export const listGrantsQuerySchema = z.object({
  personId: z.uuid().optional(),
  resourceId: z.uuid().optional(),
  engagementId: z.uuid().optional(),
  state: z.enum(GRANT_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListGrantsQuery = z.infer<typeof listGrantsQuerySchema>;

export const revokeGrantSchema = z.object({ reason: text(3, 2000).describe('why the grant ends early') }).strict();

export const approverSchema = z.object({
  personId: z.uuid(),
  handle: z.string(),
  source: z.enum(['owner', 'designated']),
  addedAt: z.date().nullable(),
});
export type Approver = z.infer<typeof approverSchema>;
export const addApproverSchema = z.object({ person: z.string().min(1).max(100).describe('id or handle of an active member') }).strict();
export const approverParams = z.object({ ref: z.string().min(1).max(100), personRef: z.string().min(1).max(100) });

export const dutySchema = z.enum(DUTIES);
