/**
 * @module detection/alert-raise — turns a rule match into an alert: the subject it is about, the
 * group it folds into (same rule, same subject, within the grouping window), the events behind it
 * with their log positions, and one outbox row per channel whose severity threshold it meets.
 */
import type { Clock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { systemActor } from '../auth/actor.ts';
import * as store from './alert-store.ts';
import { SEVERITY_LEVELS, type Severity } from './detection-types.ts';
import type { SigmaMatch } from './rule-set.ts';

/** What the engine remembers of an evaluated event, to describe alerts whose events are older than the batch. */
export interface EventFacts {
  leafIndex: number;
  time: Date;
  developerId: string | null;
  developerHandle: string | null;
  engagementId: string | null;
  address: string | null;
}

export interface Subject { key: string; text: string; developerId: string | null; engagementId: string | null }

/** Sigma's level, or medium for a level Sigma does not define. */
export function severityOf(level: string): Severity {
  return (SEVERITY_LEVELS as readonly string[]).includes(level) ? (level as Severity) : 'medium';
}

/**
 * Who or what a match is about. A correlation is about its group-by values; a single event about
 * its developer, or, for an unattributed event, its source address.
 * @example subjectOf(match, facts) // { key: 'developer:0193…', text: 'dana', … }
 */
export function subjectOf(match: SigmaMatch, facts: EventFacts[]): Subject {
  const developers = new Set(facts.map((f) => f.developerId).filter((d): d is string => d !== null));
  const one = developers.size === 1 ? facts.find((f) => f.developerId !== null)! : null;
  const developerId = one?.developerId ?? null;
  const engagementId = one?.engagementId ?? facts.find((f) => f.engagementId !== null)?.engagementId ?? null;
  const groupBy = Object.entries(match.groupBy).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (groupBy.length > 0) {
    return {
      key: groupBy.map(([k, v]) => `${k}=${v}`).join('\n'),
      text: groupBy.map(([k, v]) => (k.endsWith('.id') && one && v === developerId ? one.developerHandle ?? v : v)).join(', '),
      developerId, engagementId,
    };
  }
  if (one) return { key: `developer:${developerId}`, text: one.developerHandle ?? developerId!, developerId, engagementId };
  const address = facts.find((f) => f.address !== null)?.address;
  if (address) return { key: `address:${address}`, text: address, developerId: null, engagementId };
  return { key: 'all', text: 'unattributed', developerId: null, engagementId };
}

export interface RaiseDeps { clock: Clock; audit: AuditService; groupWindowMs: number }
export interface ChannelThreshold { id: string; minSeverity: Severity }

/**
 * Record a match on `tx` (the engine's transaction): a new alert with its deliveries and an
 * `alert.raised` event, or one more firing folded into the group's open alert.
 * @returns the alert id and whether it is new
 */
export async function raiseAlert(
  tx: Queryable, deps: RaiseDeps, match: SigmaMatch, facts: Map<string, EventFacts>, channels: ChannelThreshold[],
): Promise<{ alertId: string; created: boolean }> {
  const events = match.eventIds.flatMap((id) => {
    const f = facts.get(id);
    return f ? [{ id, ...f }] : [];
  });
  const subject = subjectOf(match, events);
  const times = events.map((e) => e.time.getTime());
  const now = deps.clock.now();
  const last = times.length ? new Date(Math.max(...times)) : now;
  const first = times.length ? new Date(Math.min(...times)) : now;
  const groupKey = `${match.ruleId}\n${subject.key}`;
  const attach = events.map((e) => ({ id: e.id, leafIndex: e.leafIndex }));

  const existing = await store.findGroupAlert(tx, groupKey, new Date(last.getTime() - deps.groupWindowMs));
  if (existing) {
    await store.bumpAlert(tx, existing.id, last, now);
    await store.addAlertEvents(tx, existing.id, attach, now);
    return { alertId: existing.id, created: false };
  }
  const severity = severityOf(match.level);
  const row: store.AlertRow = {
    id: newId(), ruleId: match.ruleId, ruleTitle: match.title, ruleKind: match.kind, severity, status: 'open',
    groupKey, subject: subject.text, developerId: subject.developerId, engagementId: subject.engagementId, assigneeId: null,
    firstSeenAt: first, lastSeenAt: last, count: 1, details: { tags: match.tags, groupBy: match.groupBy }, resolution: null,
    createdAt: now, updatedAt: now, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null,
  };
  await store.insertAlert(tx, row);
  await store.addAlertEvents(tx, row.id, attach, now);
  const rank = SEVERITY_LEVELS.indexOf(severity);
  const routed = channels.filter((c) => SEVERITY_LEVELS.indexOf(c.minSeverity) <= rank);
  if (routed.length > 0) {
    await tx.query(
      `INSERT INTO alert_deliveries (id, alert_id, channel_id, status, attempts, next_attempt_at, created_at)
       SELECT d::uuid, $1, c::uuid, 'pending', 0, $2, $2 FROM unnest($3::text[], $4::text[]) AS v(d, c)`,
      [row.id, now, routed.map(() => newId()), routed.map((c) => c.id)]);
  }
  // The alert itself enters the log; the engine never evaluates alert.* events (no alert loops).
  await deps.audit.record(tx, systemActor, {
    type: 'alert.raised', outcome: 'success', target: { type: 'alert', id: row.id }, engagementId: subject.engagementId,
    details: {
      ruleId: match.ruleId, title: match.title, severity, subject: subject.text, developerId: subject.developerId,
      events: attach.slice(0, 20), eventCount: attach.length, channels: routed.length,
    },
  });
  return { alertId: row.id, created: true };
}
