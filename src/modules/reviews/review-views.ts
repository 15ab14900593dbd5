/** @module reviews/review-views — campaign and item rows as the API shows them, with counts and the report. */
import type { CampaignRow, ItemRow } from './review-store.ts';
import type { Campaign, CampaignDetail, Report, ReviewItem } from './review-types.ts';

/**
 * An item as the API shows it; `now` decides the grant's state.
 * @example itemView(row, clock.now()).grantState // 'active'
 */
export function itemView(i: ItemRow, now: Date): ReviewItem {
  return {
    id: i.id,
    campaignId: i.campaignId,
    grantId: i.grantId,
    reviewer: { id: i.reviewerId, handle: i.reviewerHandle },
    person: { id: i.personId, handle: i.personHandle },
    resource: { id: i.resourceId, name: i.resourceName },
    engagementId: i.engagementId,
    permission: i.permission,
    grantStartsAt: i.grantStartsAt,
    grantEndsAt: i.grantEndsAt,
    grantState: i.grantRevokedAt ? 'revoked' : i.grantEndsAt.getTime() <= now.getTime() ? 'expired' : 'active',
    lastUsedAt: i.lastUsedAt,
    dormant: i.dormant,
    decision: i.decision,
    comment: i.comment,
    decidedBy: i.decidedBy && i.decidedByHandle ? { id: i.decidedBy, handle: i.decidedByHandle } : null,
    decidedAt: i.decidedAt,
    escalatedAt: i.escalatedAt,
    outcome: i.outcome,
    grantRevoked: i.grantRevoked,
  };
}

/**
 * A campaign with counts over `items` (all of them, or only a reviewer's).
 * @example campaignView(row, items)
 */
export function campaignView(c: CampaignRow, items: Pick<ItemRow, 'decision' | 'outcome' | 'dormant' | 'escalatedAt'>[]): Campaign {
  const count = (f: (i: (typeof items)[number]) => boolean) => items.filter(f).length;
  return {
    id: c.id,
    name: c.name,
    scope: {
      type: c.scopeType,
      engagementId: c.scopeType === 'engagement' ? c.scopeId : null,
      resourceId: c.scopeType === 'resource' ? c.scopeId : null,
    },
    deadline: c.deadline,
    onUndecided: c.onUndecided,
    dormantDays: c.dormantDays,
    status: c.status,
    createdAt: c.createdAt,
    createdBy: c.createdBy && c.createdByHandle ? { id: c.createdBy, handle: c.createdByHandle } : null,
    escalatedAt: c.escalatedAt,
    closedAt: c.closedAt,
    counts: {
      items: items.length,
      undecided: count((i) => i.decision === null && i.outcome !== 'revoked_at_deadline'),
      kept: count((i) => i.outcome === 'kept'),
      revoked: count((i) => i.outcome === 'revoked'),
      revokedAtDeadline: count((i) => i.outcome === 'revoked_at_deadline'),
      escalated: count((i) => i.escalatedAt !== null && i.decision === null),
      dormant: count((i) => i.dormant),
    },
  };
}

/** @example detailView(row, items, now).items.length */
export function detailView(c: CampaignRow, items: ItemRow[], now: Date): CampaignDetail {
  return { ...campaignView(c, items), items: items.map((i) => itemView(i, now)) };
}

/**
 * The campaign report: every reviewed grant, who reviewed it and when, the decision, what was revoked.
 * @example const report = reportOf(row, items, now); reportCsv(report)
 */
export function reportOf(c: CampaignRow, items: ItemRow[], now: Date): Report {
  const reviewers = new Map<string, { id: string; handle: string; assigned: number; decided: number }>();
  for (const i of items) {
    const r = reviewers.get(i.reviewerId) ?? { id: i.reviewerId, handle: i.reviewerHandle, assigned: 0, decided: 0 };
    r.assigned += 1;
    if (i.decision !== null) r.decided += 1;
    reviewers.set(i.reviewerId, r);
  }
  return {
    campaign: campaignView(c, items),
    generatedAt: now,
    reviewers: [...reviewers.values()].sort((a, b) => a.handle.localeCompare(b.handle)),
    revokedGrantIds: items.filter((i) => i.grantRevoked).map((i) => i.grantId),
    items: items.map((i) => itemView(i, now)),
  };
}
