/** @module reviews/review-store — SQL for access-review campaigns and their items. */
import type { Queryable } from '../../db/database.ts';
import type { CampaignStatus, ItemOutcome, ReviewDecision } from './review-types.ts';

type Raw = Record<string, unknown>;

export interface CampaignRow {
  id: string;
  name: string;
  scopeType: 'external' | 'engagement' | 'resource';
  scopeId: string | null;
  deadline: Date;
  onUndecided: 'revoke' | 'escalate';
  dormantDays: number;
  status: CampaignStatus;
  createdBy: string | null;
  createdByHandle: string | null;
  createdAt: Date;
  escalatedAt: Date | null;
  closedAt: Date | null;
}

export interface ItemRow {
  id: string;
  campaignId: string;
  grantId: string;
  reviewerId: string;
  reviewerHandle: string;
  personId: string;
  personHandle: string;
  resourceId: string;
  resourceName: string;
  engagementId: string;
  permission: 'read' | 'write' | 'admin';
  grantStartsAt: Date;
  grantEndsAt: Date;
  grantRevokedAt: Date | null;
  lastUsedAt: Date | null;
  dormant: boolean;
  decision: ReviewDecision | null;
  comment: string | null;
  decidedBy: string | null;
  decidedByHandle: string | null;
  decidedAt: Date | null;
  escalatedAt: Date | null;
  outcome: ItemOutcome | null;
  grantRevoked: boolean;
}

const CAMPAIGN = `SELECT c.*, p.handle AS created_by_handle FROM review_campaigns c LEFT JOIN people p ON p.id = c.created_by`;

function toCampaign(r: Raw): CampaignRow {
  return {
    id: r.id as string,
    name: r.name as string,
    scopeType: r.scope_type as CampaignRow['scopeType'],
    scopeId: r.scope_id as string | null,
    deadline: r.deadline as Date,
    onUndecided: r.on_undecided as CampaignRow['onUndecided'],
    dormantDays: r.dormant_days as number,
    status: r.status as CampaignStatus,
    createdBy: r.created_by as string | null,
    createdByHandle: r.created_by_handle as string | null,
    createdAt: r.created_at as Date,
    escalatedAt: r.escalated_at as Date | null,
    closedAt: r.closed_at as Date | null,
  };
}

const ITEM = `SELECT i.*, rv.handle AS reviewer_handle, dev.handle AS person_handle, res.name AS resource_name,
    dec.handle AS decided_by_handle, g.revoked_at AS grant_revoked_at
  FROM review_items i
  JOIN people rv ON rv.id = i.reviewer_id JOIN people dev ON dev.id = i.person_id JOIN resources res ON res.id = i.resource_id
  JOIN grants g ON g.id = i.grant_id LEFT JOIN people dec ON dec.id = i.decided_by`;

function toItem(r: Raw): ItemRow {
  return {
    id: r.id as string,
    campaignId: r.campaign_id as string,
    grantId: r.grant_id as string,
    reviewerId: r.reviewer_id as string,
    reviewerHandle: r.reviewer_handle as string,
    personId: r.person_id as string,
    personHandle: r.person_handle as string,
    resourceId: r.resource_id as string,
    resourceName: r.resource_name as string,
    engagementId: r.engagement_id as string,
    permission: r.permission as ItemRow['permission'],
    grantStartsAt: r.grant_starts_at as Date,
    grantEndsAt: r.grant_ends_at as Date,
    grantRevokedAt: r.grant_revoked_at as Date | null,
    lastUsedAt: r.last_used_at as Date | null,
    dormant: r.dormant as boolean,
    decision: r.decision as ReviewDecision | null,
    comment: r.comment as string | null,
    decidedBy: r.decided_by as string | null,
    decidedByHandle: r.decided_by_handle as string | null,
    decidedAt: r.decided_at as Date | null,
    escalatedAt: r.escalated_at as Date | null,
    outcome: r.outcome as ItemOutcome | null,
    grantRevoked: r.grant_revoked as boolean,
  };
}

export async function insertCampaign(q: Queryable, c: Omit<CampaignRow, 'createdByHandle'>): Promise<void> {
  await q.query(
    `INSERT INTO review_campaigns (id, name, scope_type, scope_id, deadline, on_undecided, dormant_days, status, created_by, created_at, escalated_at, closed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [c.id, c.name, c.scopeType, c.scopeId, c.deadline, c.onUndecided, c.dormantDays, c.status, c.createdBy, c.createdAt, c.escalatedAt, c.closedAt],
  );
}

export async function findCampaign(q: Queryable, id: string, forUpdate = false): Promise<CampaignRow | null> {
  if (forUpdate) await q.query('SELECT 1 FROM review_campaigns WHERE id = $1 FOR UPDATE', [id]);
  const [r] = await q.query<Raw>(`${CAMPAIGN} WHERE c.id = $1`, [id]);
  return r ? toCampaign(r) : null;
}

/** Campaigns in id order, `limit + 1` rows; `reviewerId` keeps those with an item assigned to them. */
export async function listCampaigns(q: Queryable, f: { status?: CampaignStatus | undefined; limit: number }, afterId: string | null, reviewerId: string | null): Promise<CampaignRow[]> {
  const rows = await q.query<Raw>(
    `${CAMPAIGN} WHERE ($1::text IS NULL OR c.status = $1) AND ($2::uuid IS NULL OR c.id > $2::uuid)
       AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM review_items i WHERE i.campaign_id = c.id AND i.reviewer_id = $3::uuid))
     ORDER BY c.id LIMIT $4`,
    [f.status ?? null, afterId, reviewerId, f.limit + 1],
  );
  return rows.map(toCampaign);
}

/** Open or escalated campaigns whose deadline has passed. */
export async function findDue(q: Queryable, now: Date): Promise<string[]> {
  const rows = await q.query<{ id: string }>("SELECT id FROM review_campaigns WHERE status = 'open' AND deadline <= $1 ORDER BY deadline, id", [now]);
  return rows.map((r) => r.id);
}

export async function updateCampaignStatus(q: Queryable, id: string, status: CampaignStatus, at: Date): Promise<void> {
  await q.query(
    `UPDATE review_campaigns SET status = $2,
       escalated_at = CASE WHEN $2 = 'escalated' THEN $3 ELSE escalated_at END,
       closed_at = CASE WHEN $2 = 'closed' THEN $3 ELSE closed_at END
     WHERE id = $1`,
    [id, status, at],
  );
}

/** The active grants (not revoked, not ended) in a scope, with the owner of each resource. */
export async function findGrantsInScope(q: Queryable, scope: { type: 'external' | 'engagement' | 'resource'; id: string | null }, now: Date) {
  return q.query<{ id: string; person_id: string; resource_id: string; engagement_id: string; permission: string; starts_at: Date; ends_at: Date; owner_id: string }>(
    `SELECT g.id, g.person_id, g.resource_id, g.engagement_id, g.permission, g.starts_at, g.ends_at, r.owner_id
     FROM grants g JOIN resources r ON r.id = g.resource_id JOIN people p ON p.id = g.person_id
     WHERE g.revoked_at IS NULL AND g.ends_at > $1 AND p.kind = 'external'
       AND ($2::text <> 'engagement' OR g.engagement_id = $3::uuid) AND ($2::text <> 'resource' OR g.resource_id = $3::uuid)
     ORDER BY g.id`,
    [now, scope.type, scope.id],
  );
}

export async function insertItem(q: Queryable, i: {
  id: string; campaignId: string; grantId: string; reviewerId: string; personId: string; resourceId: string; engagementId: string;
  permission: string; grantStartsAt: Date; grantEndsAt: Date; lastUsedAt: Date | null; dormant: boolean;
}): Promise<void> {
  await q.query(
    `INSERT INTO review_items (id, campaign_id, grant_id, reviewer_id, person_id, resource_id, engagement_id, permission, grant_starts_at, grant_ends_at, last_used_at, dormant)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [i.id, i.campaignId, i.grantId, i.reviewerId, i.personId, i.resourceId, i.engagementId, i.permission, i.grantStartsAt, i.grantEndsAt, i.lastUsedAt, i.dormant],
  );
}

/** Items of a campaign in id order; `reviewerId` keeps only theirs. */
export async function listItems(q: Queryable, campaignId: string, reviewerId: string | null = null): Promise<ItemRow[]> {
  const rows = await q.query<Raw>(`${ITEM} WHERE i.campaign_id = $1 AND ($2::uuid IS NULL OR i.reviewer_id = $2::uuid) ORDER BY i.id`, [campaignId, reviewerId]);
  return rows.map(toItem);
}

export async function findItem(q: Queryable, campaignId: string, itemId: string): Promise<ItemRow | null> {
  const [r] = await q.query<Raw>(`${ITEM} WHERE i.campaign_id = $1 AND i.id = $2`, [campaignId, itemId]);
  return r ? toItem(r) : null;
}

export async function recordDecision(q: Queryable, itemId: string, d: { decision: ReviewDecision; comment: string; by: string | null; at: Date; outcome: ItemOutcome; grantRevoked: boolean }): Promise<void> {
  await q.query(
    'UPDATE review_items SET decision = $2, comment = $3, decided_by = $4, decided_at = $5, outcome = $6, grant_revoked = $7 WHERE id = $1',
    [itemId, d.decision, d.comment, d.by, d.at, d.outcome, d.grantRevoked],
  );
}

export async function setOutcome(q: Queryable, itemId: string, o: { outcome: ItemOutcome; grantRevoked?: boolean; escalatedAt?: Date }): Promise<void> {
  await q.query(
    'UPDATE review_items SET outcome = $2, grant_revoked = grant_revoked OR $3, escalated_at = COALESCE($4, escalated_at) WHERE id = $1',
    [itemId, o.outcome, o.grantRevoked ?? false, o.escalatedAt ?? null],
  );
}

export async function setUsage(q: Queryable, itemId: string, lastUsedAt: Date | null, dormant: boolean): Promise<void> {
  await q.query('UPDATE review_items SET last_used_at = $2, dormant = $3 WHERE id = $1', [itemId, lastUsedAt, dormant]);
}
