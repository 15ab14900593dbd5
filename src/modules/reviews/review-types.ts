/** @module reviews/review-types — API shapes of access-review campaigns, their items and reports. */
import { z } from 'zod';
import { PERMISSION_LEVELS } from '../access/request-policy.ts';

export const SCOPE_TYPES = ['external', 'engagement', 'resource'] as const;
export const CAMPAIGN_STATUSES = ['open', 'escalated', 'closed'] as const;
export const ON_UNDECIDED = ['revoke', 'escalate'] as const;
export const REVIEW_DECISIONS = ['keep', 'revoke'] as const;
export const ITEM_OUTCOMES = ['kept', 'revoked', 'revoked_at_deadline', 'escalated'] as const;
export const DEFAULT_DORMANT_DAYS = 30;

export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
export type ItemOutcome = (typeof ITEM_OUTCOMES)[number];

const text = (min: number, max: number) =>
  z.string().trim().min(min).max(max).regex(/^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$/, 'control characters other than newline and tab are not allowed');

const who = z.object({ id: z.uuid(), handle: z.string() });

export const campaignSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  scope: z.object({
    type: z.enum(SCOPE_TYPES).describe('external: every active grant of an external developer; engagement or resource: the active grants of one'),
    engagementId: z.uuid().nullable(),
    resourceId: z.uuid().nullable(),
  }),
  deadline: z.date(),
  onUndecided: z.enum(ON_UNDECIDED).describe('what happens at the deadline to grants nobody decided: revoke them, or escalate them to admins'),
  dormantDays: z.number().int().describe('a grant not used during this many days is flagged dormant'),
  status: z.enum(CAMPAIGN_STATUSES),
  createdAt: z.date(),
  createdBy: who.nullable(),
  escalatedAt: z.date().nullable(),
  closedAt: z.date().nullable(),
  counts: z.object({
    items: z.number().int(), undecided: z.number().int(), kept: z.number().int(), revoked: z.number().int(),
    revokedAtDeadline: z.number().int(), escalated: z.number().int(), dormant: z.number().int(),
  }).describe('for approvers: only the items assigned to them'),
});
export type Campaign = z.infer<typeof campaignSchema>;

export const reviewItemSchema = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  grantId: z.uuid(),
  reviewer: who.describe('the owner of the resource when the campaign was created'),
  person: who,
  resource: z.object({ id: z.uuid(), name: z.string() }),
  engagementId: z.uuid(),
  permission: z.enum(PERMISSION_LEVELS),
  grantStartsAt: z.date(),
  grantEndsAt: z.date(),
  grantState: z.enum(['active', 'expired', 'revoked']).describe('the grant now'),
  lastUsedAt: z.date().nullable().describe('the last recorded use of the grant (null: never); see docs/reviews.md'),
  dormant: z.boolean(),
  decision: z.enum(REVIEW_DECISIONS).nullable(),
  comment: z.string().nullable(),
  decidedBy: who.nullable(),
  decidedAt: z.date().nullable(),
  escalatedAt: z.date().nullable(),
  outcome: z.enum(ITEM_OUTCOMES).nullable(),
  grantRevoked: z.boolean().describe('this review revoked the grant'),
});
export type ReviewItem = z.infer<typeof reviewItemSchema>;

export const campaignDetailSchema = campaignSchema.extend({ items: z.array(reviewItemSchema) });
export type CampaignDetail = z.infer<typeof campaignDetailSchema>;

export const createCampaignSchema = z.object({
  name: text(1, 200),
  scope: z.discriminatedUnion('type', [
    z.object({ type: z.literal('external') }).strict(),
    z.object({ type: z.literal('engagement'), engagementId: z.uuid() }).strict(),
    z.object({ type: z.literal('resource'), resource: z.string().trim().min(1).max(100).describe('resource id or name') }).strict(),
  ]),
  deadline: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).describe('when undecided grants are revoked or escalated'),
  onUndecided: z.enum(ON_UNDECIDED).default('revoke'),
  dormantDays: z.number().int().min(1).max(365).default(DEFAULT_DORMANT_DAYS),
}).strict();
export type CreateCampaignInput = z.infer<typeof createCampaignSchema>;

export const decideItemSchema = z.object({
  decision: z.enum(REVIEW_DECISIONS),
  comment: text(3, 2000).describe('why: recorded with the decision and in the report'),
}).strict();
export type DecideItemInput = z.infer<typeof decideItemSchema>;

export const listCampaignsQuerySchema = z.object({
  status: z.enum(CAMPAIGN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListCampaignsQuery = z.infer<typeof listCampaignsQuerySchema>;

export const reportQuerySchema = z.object({ format: z.enum(['json', 'csv']).default('json') });

export const reportSchema = z.object({
  campaign: campaignSchema,
  generatedAt: z.date(),
  reviewers: z.array(z.object({ id: z.uuid(), handle: z.string(), assigned: z.number().int(), decided: z.number().int() })),
  revokedGrantIds: z.array(z.uuid()).describe('grants this campaign revoked (by a reviewer or at the deadline)'),
  items: z.array(reviewItemSchema),
});
export type Report = z.infer<typeof reportSchema>;

export const itemParams = z.object({ id: z.uuid(), itemId: z.uuid() });
