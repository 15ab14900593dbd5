/**
 * @module detection/enrichment — turns integrated audit events into Sigma events: Palisade's own
 * events (`product: palisade`) carry the developer's local time and working hours, whether the source
 * address is known for them, the resource, the engagement and whether a grant covers the target;
 * ingested GitHub audit events (`product: github, service: audit`) carry GitHub's own fields as sent.
 * Field reference: docs/detection.md.
 */
import { isIP } from 'node:net';
import type { Queryable } from '../../db/database.ts';
import type { AuditEvent } from '../audit/audit-types.ts';
import * as store from './enrichment-store.ts';
import { localTime, withinWorkingHours } from './local-time.ts';
import type { SigmaEvent } from './rule-set.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 86_400_000;

const asUuid = (v: unknown): string | null => (typeof v === 'string' && UUID.test(v) ? v.toLowerCase() : null);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** GitHub events arrive through ingestion with their payload in details (and ours in details.ingest). */
export function isGithubEvent(e: AuditEvent): boolean {
  return e.type.startsWith('github.') && isObject(e.details.ingest) && e.details.ingest.source === 'github';
}

/** When it happened: the source's own time for ingested events, otherwise when Palisade recorded it. */
export function eventTime(e: AuditEvent): Date {
  const ingest = e.details.ingest;
  if (isObject(ingest) && typeof ingest.sourceTime === 'string') {
    const t = new Date(ingest.sourceTime);
    if (Number.isFinite(t.getTime())) return t;
  }
  return e.occurredAt;
}

/** The person the event is about: the principal of an authorization question, else the actor. */
export function subjectOf(e: AuditEvent): string | null {
  const principal = e.details.principal;
  return (isObject(principal) ? asUuid(principal.id) : null) ?? asUuid(e.actor.id);
}

/** The resource the event is about: its target, or the resource an authorization question named. */
export function resourceOf(e: AuditEvent): string | null {
  if (e.target.type === 'resource') return asUuid(e.target.id);
  const r = e.details.resource;
  return isObject(r) ? asUuid(r.id) : null;
}

/** Where the attempt came from. */
export function sourceAddressOf(e: AuditEvent): string | null {
  const candidates = [e.actor.ip, e.details.sourceIp];
  for (const c of candidates) if (typeof c === 'string' && isIP(c) !== 0) return c;
  return null;
}

const AUTH_TYPES = new Set(['auth.failed', 'ssh.login', 'ssh.invalid_user', 'ssh.auth_attempts_exceeded']);

/**
 * A login attempt, whatever the door (API token, git over HTTP, SSH): the account it claimed, even
 * when the attempt failed before anyone was identified (a git-basic user name, an sshd user).
 */
export function authOf(e: AuditEvent, handle: string | null): { failed: boolean; method: string; user: string | null } | null {
  if (!AUTH_TYPES.has(e.type)) return null;
  const d = e.details;
  const claimed = typeof d.handle === 'string' ? d.handle : typeof d.user === 'string' && d.invalidUser !== true ? d.user : null;
  const method = e.type.startsWith('ssh.') ? 'ssh' : typeof d.method === 'string' ? d.method : 'unknown';
  return { failed: e.outcome !== 'success', method, user: handle ?? claimed };
}

/** What a git push refusal was about (from the inspection's audit details, docs/git-gateway.md). */
export function pushOf(e: AuditEvent): Record<string, unknown> | null {
  if (e.type !== 'git.push') return null;
  const d = e.details;
  const refused = Array.isArray(d.refused) ? d.refused.filter(isObject) : [];
  // The gateway names the pushed refs `refs`; the inspection's own details call them `updates`.
  const updates = (Array.isArray(d.updates) ? d.updates : Array.isArray(d.refs) ? d.refs : []).filter(isObject);
  const findings = typeof d.findings === 'number' ? d.findings : Array.isArray(d.findings) ? d.findings.length : 0;
  const reason = typeof d.reason === 'string' ? d.reason : '';
  return {
    refused: refused.length > 0 || e.outcome === 'denied',
    protectedRef: refused.some((r) => typeof r.reason === 'string' && r.reason.startsWith('protected ref')) || reason.includes('protected ref'),
    secret: findings > 0 && (refused.length > 0 || e.outcome === 'denied'),
    findings,
    forced: updates.some((u) => u.forced === true),
    refs: updates.length,
  };
}

/** Bytes sent to the client by a transfer (git gateway: details.bytesOut), when the event says. */
export function bytesOf(e: AuditEvent): number | null {
  for (const k of ['bytesOut', 'bytes', 'bytesSent']) {
    const v = e.details[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  }
  return null;
}

/** What the enricher learnt from a batch: facts it read, and the addresses to remember as seen. */
export interface BatchContext {
  toSigma(e: AuditEvent): SigmaEvent;
  /** Successful sightings of (developer, address) in this batch, to write with the batch. */
  readonly newlySeen: store.SeenAddress[];
}

/**
 * Read what the events of a batch name (one query per table) and return the converter. Events must
 * be converted in log order: a first sighting of an address makes it known to the events after it.
 * @example const ctx = await prepareBatch(tx, events); const sigma = events.map(ctx.toSigma);
 */
export async function prepareBatch(q: Queryable, events: AuditEvent[]): Promise<BatchContext> {
  const personIds = new Set<string>();
  const resourceIds = new Set<string>();
  const engagementIds = new Set<string>();
  for (const e of events) {
    if (isGithubEvent(e)) continue;
    const p = subjectOf(e);
    if (p) personIds.add(p);
    const r = resourceOf(e);
    if (r) resourceIds.add(r);
    const g = asUuid(e.engagementId);
    if (g) engagementIds.add(g);
  }
  const people = [...personIds];
  // One after another: `q` is a transaction, one connection.
  const persons = await store.peopleByIds(q, people);
  const resources = await store.resourcesByIds(q, [...resourceIds]);
  const memberships = await store.membershipsOf(q, people);
  const grants = await store.grantsOf(q, people, [...resourceIds]);
  const seen = await store.seenAddressesOf(q, people);
  for (const m of memberships) engagementIds.add(m.engagementId);
  for (const g of grants) engagementIds.add(g.engagementId);
  const engagements = await store.engagementsByIds(q, [...engagementIds]);
  const engagementsOf = new Map<string, string[]>();
  for (const m of memberships) engagementsOf.set(m.personId, [...(engagementsOf.get(m.personId) ?? []), m.engagementId]);
  const newlySeen = new Map<string, store.SeenAddress>();

  const toSigma = (e: AuditEvent): SigmaEvent => {
    const time = eventTime(e);
    if (isGithubEvent(e)) {
      const { ingest: _ours, ...github } = e.details;
      return { id: e.id, time, logsource: { product: 'github', service: 'audit' }, fields: github };
    }
    const fields: Record<string, unknown> = {
      id: e.id, type: e.type, outcome: e.outcome, time: time.toISOString(), occurredAt: e.occurredAt.toISOString(), leafIndex: e.leafIndex,
      actor: e.actor, target: e.target, engagementId: e.engagementId, requestId: e.requestId, details: e.details,
    };
    const personId = subjectOf(e);
    const person = personId ? persons.get(personId) : undefined;
    const resourceId = resourceOf(e);
    const resource = resourceId ? resources.get(resourceId) : undefined;
    const address = sourceAddressOf(e);
    if (resource) fields.resource = resource;

    let grant: store.GrantFacts | undefined;
    if (person) {
      const local = localTime(time, person.timeZone);
      const mine = engagementsOf.get(person.id) ?? [];
      fields.developer = {
        id: person.id, handle: person.handle, kind: person.kind, role: person.role, status: person.status, vendorId: person.vendorId,
        timeZone: person.timeZone, workingHours: person.workingHours, local,
        withinWorkingHours: withinWorkingHours(local, person.workingHours),
        activeEngagements: mine.filter((id) => engagements.get(id)?.status === 'active').length,
      };
      if (resource) {
        const held = grants.filter((g) => g.personId === person.id && g.resourceId === resource.id);
        grant = held.find((g) => g.startsAt <= time && time < g.endsAt && (g.revokedAt === null || time < g.revokedAt));
        const ever = held.length > 0;
        fields.grant = grant
          ? { held: true, id: grant.id, permission: grant.permission, endsAt: grant.endsAt.toISOString(), everHeld: true }
          : { held: false, everHeld: ever };
      }
      if (address) {
        const known = seen.get(person.id) ?? new Set<string>();
        fields.source = { ip: address, seenBefore: known.has(address), knownAddresses: known.size };
        // Only a success makes an address known: failed attempts from it stay suspicious.
        if (e.outcome === 'success' && !known.has(address)) {
          known.add(address);
          seen.set(person.id, known);
          const key = `${person.id}\n${address}`;
          if (!newlySeen.has(key)) newlySeen.set(key, { personId: person.id, address, at: time, leafIndex: e.leafIndex ?? 0 });
        }
      }
    }
    if (address && !fields.source) fields.source = { ip: address };
    const auth = authOf(e, person?.handle ?? null);
    if (auth) fields.auth = auth;
    const push = pushOf(e);
    if (push) fields.push = push;
    const bytes = bytesOf(e);
    if (bytes !== null) fields.transfer = { bytes };

    // The engagement: the event's own, else the grant's, else the developer's latest one.
    const engagementId = asUuid(e.engagementId) ?? grant?.engagementId ?? (person ? engagementsOf.get(person.id)?.[0] : undefined);
    const engagement = engagementId ? engagements.get(engagementId) : undefined;
    if (engagement) {
      const day = time.toISOString().slice(0, 10);
      const pastEnd = Math.floor((Date.parse(day) - Date.parse(engagement.endDate)) / DAY_MS);
      fields.engagement = {
        ...engagement,
        ended: engagement.status === 'ended' || pastEnd > 0,
        daysPastEnd: Math.max(0, pastEnd),
      };
    }
    return { id: e.id, time, logsource: { product: 'palisade' }, fields };
  };

  return {
    toSigma,
    get newlySeen() {
      return [...newlySeen.values()];
    },
  };
}
