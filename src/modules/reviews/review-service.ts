/**
 * @module reviews/review-service — access-review campaigns. A campaign takes the active grants of
 * external developers in a scope, assigns each to its resource's owner, flags the dormant ones and
 * sets a deadline. Reviewers keep or revoke each grant with a comment (revoke takes effect at once).
 * At the deadline (review-sweeper.ts) undecided grants are revoked, or escalated to admins. Every
 * step and its audit events commit in one transaction.
 */
import type { Clock } from '../../core/clock.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { newId, UUID_PATTERN } from '../../core/ids.ts';
import { decodeCursor, toPage, type Page } from '../../core/pagination.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { systemActor, type AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { findEngagementById } from '../engagements/engagement-store.ts';
import { findResourceById, findResourceByName } from '../resources/resource-store.ts';
import { revokeForReview } from './review-revoke.ts';
import * as store from './review-store.ts';
import type { Campaign, CampaignDetail, CreateCampaignInput, DecideItemInput, ListCampaignsQuery, Report, ReviewItem } from './review-types.ts';
import { isDormant, lastUses } from './review-usage.ts';
import { campaignView, detailView, itemView, reportOf } from './review-views.ts';

export interface ReviewService {
  create(actor: AnyActor, input: CreateCampaignInput): Promise<CampaignDetail>;
  /** Approvers see the campaigns with grants assigned to them. */
  list(actor: AnyActor, query: ListCampaignsQuery): Promise<Page<Campaign>>;
  /** With its items (approvers: only theirs); use and dormancy are current while the campaign runs. */
  get(actor: AnyActor, id: string): Promise<CampaignDetail>;
  /** The assigned reviewer (or an admin; only admins for escalated items) keeps or revokes one grant. */
  decide(actor: AnyActor, campaignId: string, itemId: string, input: DecideItemInput): Promise<ReviewItem>;
  report(actor: AnyActor, id: string): Promise<Report>;
  /** Revoke or escalate the undecided grants of every campaign whose deadline has passed. Returns how many campaigns it processed. */
  processDeadlines(): Promise<number>;
}

/** Approvers see only what is assigned to them; admins and auditors see everything. */
const reviewerFilter = (actor: AnyActor): string | null => (actor.kind === 'person' && actor.role === 'approver' ? actor.personId : null);

/** @example const reviews = createReviewService({ db, clock, audit }); await reviews.processDeadlines(); */
export function createReviewService(deps: { db: Database; clock: Clock; audit: AuditService }): ReviewService {
  const { db, clock, audit } = deps;

  /** Items with their use as of now (campaigns still running) or as stored (closed ones). */
  const itemsOf = async (q: Queryable, c: store.CampaignRow, reviewer: string | null): Promise<store.ItemRow[]> => {
    const items = await store.listItems(q, c.id, reviewer);
    if (c.status === 'closed') return items;
    const now = clock.now();
    const last = await lastUses(q, items.map((i) => ({ grantId: i.grantId, personId: i.personId, resourceId: i.resourceId, startsAt: i.grantStartsAt })));
    return items.map((i) => {
      const lastUsedAt = last.get(i.grantId) ?? null;
      return { ...i, lastUsedAt, dormant: isDormant(i.grantStartsAt, lastUsedAt, now, c.dormantDays) };
    });
  };

  const loadVisible = async (q: Queryable, actor: AnyActor, id: string) => {
    const c = await store.findCampaign(q, id);
    const reviewer = reviewerFilter(actor);
    const items = c ? await itemsOf(q, c, reviewer) : [];
    if (!c || (reviewer !== null && items.length === 0)) throw new NotFoundError(`review campaign ${id} not found`);
    return { campaign: c, items };
  };

  /** Close the campaign, freezing each item's use as it stands now. */
  const close = async (tx: Queryable, actor: AnyActor, c: store.CampaignRow, reason: string) => {
    const now = clock.now();
    const items = await itemsOf(tx, c, null);
    for (const i of items) await store.setUsage(tx, i.id, i.lastUsedAt, i.dormant);
    await store.updateCampaignStatus(tx, c.id, 'closed', now);
    const view = campaignView({ ...c, status: 'closed' }, items);
    await audit.record(tx, actor, {
      type: 'review.closed', outcome: 'success', target: { type: 'review_campaign', id: c.id },
      details: { name: c.name, reason, counts: view.counts, revokedGrantIds: items.filter((i) => i.grantRevoked).map((i) => i.grantId) },
    });
  };

  const resolveScope = async (q: Queryable, scope: CreateCampaignInput['scope']): Promise<{ type: CreateCampaignInput['scope']['type']; id: string | null }> => {
    if (scope.type === 'external') return { type: 'external', id: null };
    if (scope.type === 'engagement') {
      if (!(await findEngagementById(q, scope.engagementId))) throw new ValidationError('unknown engagement', [{ path: 'scope.engagementId', message: 'no such engagement' }]);
      return { type: 'engagement', id: scope.engagementId };
    }
    const r = UUID_PATTERN.test(scope.resource) ? await findResourceById(q, scope.resource) : await findResourceByName(q, scope.resource);
    if (!r) throw new ValidationError('unknown resource', [{ path: 'scope.resource', message: `no resource ${scope.resource}` }]);
    return { type: 'resource', id: r.id };
  };

  const processOne = async (id: string): Promise<boolean> =>
    db.transaction(async (tx) => {
      const c = await store.findCampaign(tx, id, true);
      const now = clock.now();
      if (!c || c.status !== 'open' || c.deadline.getTime() > now.getTime()) return false;
      const undecided = (await store.listItems(tx, c.id)).filter((i) => i.decision === null);
      if (c.onUndecided === 'escalate' && undecided.length > 0) {
        for (const i of undecided) await store.setOutcome(tx, i.id, { outcome: 'escalated', escalatedAt: now });
        await store.updateCampaignStatus(tx, c.id, 'escalated', now);
        await audit.record(tx, systemActor, {
          type: 'review.escalated', outcome: 'success', target: { type: 'review_campaign', id: c.id },
          details: { name: c.name, deadline: c.deadline.toISOString(), itemIds: undecided.map((i) => i.id), grantIds: undecided.map((i) => i.grantId) },
        });
        return true;
      }
      for (const i of undecided) {
        const revoked = await revokeForReview(tx, audit, systemActor, {
          grantId: i.grantId, now, reason: `access review "${c.name}": not decided by the deadline`, review: { campaignId: c.id, itemId: i.id, campaignName: c.name },
        });
        await store.setOutcome(tx, i.id, { outcome: 'revoked_at_deadline', grantRevoked: revoked });
      }
      await close(tx, systemActor, c, undecided.length > 0 ? 'deadline: undecided grants revoked' : 'deadline');
      return true;
    });

  return {
    async create(actor, input) {
      assertPermitted(actor, 'reviews.write');
      const now = clock.now();
      if (input.deadline.getTime() <= now.getTime()) throw new ValidationError('the deadline has passed', [{ path: 'deadline', message: `must be after now (${now.toISOString()})` }]);
      return db.transaction(async (tx) => {
        const scope = await resolveScope(tx, input.scope);
        const grants = await store.findGrantsInScope(tx, scope, now);
        if (grants.length === 0) throw new ConflictError('there are no active grants of external developers in this scope: nothing to review');
        const last = await lastUses(tx, grants.map((g) => ({ grantId: g.id, personId: g.person_id, resourceId: g.resource_id, startsAt: g.starts_at })));
        const row = {
          id: newId(), name: input.name, scopeType: scope.type, scopeId: scope.id, deadline: input.deadline, onUndecided: input.onUndecided,
          dormantDays: input.dormantDays, status: 'open' as const, createdBy: actor.kind === 'person' ? actor.personId : null, createdAt: now, escalatedAt: null, closedAt: null,
        };
        await store.insertCampaign(tx, row);
        for (const g of grants) {
          const lastUsedAt = last.get(g.id) ?? null;
          await store.insertItem(tx, {
            id: newId(), campaignId: row.id, grantId: g.id, reviewerId: g.owner_id, personId: g.person_id, resourceId: g.resource_id, engagementId: g.engagement_id,
            permission: g.permission, grantStartsAt: g.starts_at, grantEndsAt: g.ends_at, lastUsedAt, dormant: isDormant(g.starts_at, lastUsedAt, now, input.dormantDays),
          });
        }
        const c = (await store.findCampaign(tx, row.id))!;
        const items = await store.listItems(tx, row.id);
        const view = detailView(c, items, now);
        const reviewers = [...new Set(items.map((i) => i.reviewerId))];
        await audit.record(tx, actor, {
          type: 'review.created', outcome: 'success', target: { type: 'review_campaign', id: row.id },
          engagementId: scope.type === 'engagement' ? scope.id : null,
          details: {
            name: row.name, scope: view.scope, deadline: row.deadline.toISOString(), onUndecided: row.onUndecided, dormantDays: row.dormantDays,
            items: items.length, dormant: view.counts.dormant,
            reviewers: reviewers.map((id) => ({ id, handle: items.find((i) => i.reviewerId === id)!.reviewerHandle, items: items.filter((i) => i.reviewerId === id).length })),
          },
        });
        return view;
      });
    },

    async list(actor, query) {
      assertPermitted(actor, 'reviews.read');
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (after !== null && (typeof after !== 'string' || !UUID_PATTERN.test(after))) throw new ValidationError('invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
      const reviewer = reviewerFilter(actor);
      const rows = await store.listCampaigns(db, query, after, reviewer);
      const views: Campaign[] = [];
      for (const c of rows) views.push(campaignView(c, await store.listItems(db, c.id, reviewer)));
      return toPage(views, query.limit, (c) => c.id);
    },

    async get(actor, id) {
      assertPermitted(actor, 'reviews.read');
      const { campaign, items } = await loadVisible(db, actor, id);
      return detailView(campaign, items, clock.now());
    },

    async decide(actor, campaignId, itemId, input) {
      assertPermitted(actor, 'reviews.decide');
      if (actor.kind !== 'person') throw new ForbiddenError('only a person reviews access');
      return db.transaction(async (tx) => {
        const c = await store.findCampaign(tx, campaignId, true);
        const item = c ? await store.findItem(tx, campaignId, itemId) : null;
        const admin = actor.role === 'admin';
        if (!c || !item || (!admin && item.reviewerId !== actor.personId && (await store.listItems(tx, campaignId, actor.personId)).length === 0)) {
          throw new NotFoundError(`review item ${itemId} not found in campaign ${campaignId}`);
        }
        if (!admin && item.reviewerId !== actor.personId) throw new ForbiddenError(`this grant is assigned to ${item.reviewerHandle}`);
        if (!admin && item.escalatedAt) throw new ForbiddenError('this grant was escalated to admins at the deadline; an admin decides it');
        if (c.status === 'closed') throw new ConflictError(`the campaign "${c.name}" is closed`);
        if (item.decision !== null) throw new ConflictError(`this grant was already reviewed: ${item.decision} by ${item.decidedByHandle ?? 'someone'} at ${item.decidedAt!.toISOString()}`);
        const now = clock.now();
        const grantRevoked = input.decision === 'revoke'
          ? await revokeForReview(tx, audit, actor, {
              grantId: item.grantId, now, reason: `access review "${c.name}": ${input.comment}`, review: { campaignId: c.id, itemId: item.id, campaignName: c.name },
            })
          : false;
        await store.recordDecision(tx, item.id, {
          decision: input.decision, comment: input.comment, by: actor.personId, at: now, outcome: input.decision === 'keep' ? 'kept' : 'revoked', grantRevoked,
        });
        await audit.record(tx, actor, {
          type: 'review.decision_recorded', outcome: 'success', target: { type: 'review_campaign', id: c.id }, engagementId: item.engagementId,
          details: {
            itemId: item.id, grantId: item.grantId, personId: item.personId, resourceId: item.resourceId, decision: input.decision, comment: input.comment,
            reviewer: item.reviewerHandle, escalated: item.escalatedAt !== null, grantRevoked,
          },
        });
        const remaining = (await store.listItems(tx, c.id)).filter((i) => i.decision === null && i.outcome !== 'revoked_at_deadline');
        if (remaining.length === 0) await close(tx, actor, c, 'every grant decided');
        const [decided] = await itemsOf(tx, { ...c, status: remaining.length === 0 ? 'closed' : c.status }, null).then((all) => all.filter((i) => i.id === item.id));
        return itemView(decided!, now);
      });
    },

    async report(actor, id) {
      assertPermitted(actor, 'reviews.read');
      const { campaign, items } = await loadVisible(db, actor, id);
      return reportOf(campaign, items, clock.now());
    },

    async processDeadlines() {
      let processed = 0;
      for (const id of await store.findDue(db, clock.now())) if (await processOne(id)) processed += 1;
      return processed;
    },
  };
}
