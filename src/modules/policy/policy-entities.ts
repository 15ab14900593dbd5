/**
 * @module policy/policy-entities — Palisade's facts in Cedar's shapes: the principal and resource
 * entities and the context described in palisade.cedarschema. The authorizer and the Cedar request
 * policy both build their questions here, so policies see the same attributes from both.
 */
import type { CedarValueJson, EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { CedarQuestion } from './cedar-engine.ts';

export const CEDAR_ACTIONS = ['read', 'write', 'admin', 'RequestAccess', 'AutoApprove'] as const;
export type CedarAction = (typeof CEDAR_ACTIONS)[number];

export interface PrincipalFacts {
  handle: string;
  kind: 'member' | 'external';
  role: string;
  status: string;
  vendorId: string | null;
  /** Duty on the engagement in question; null when not stated or no engagement. */
  duty: string | null;
}

export interface ResourceFacts {
  name: string;
  kind: string;
  environment: string;
  sensitivity: string;
  status: string;
  ownerHandle: string;
  labels: Record<string, string>;
}

export interface EngagementFacts {
  id: string;
  name: string;
  status: string;
  /** 'YYYY-MM-DD', inclusive. */
  startDate: string;
  endDate: string;
}

export interface ContextFacts {
  now: Date;
  sourceIp: string | null;
  gateway: string;
  engagement: EngagementFacts | null;
  readiness: { ready: boolean; unmet: string[] };
  /** Permission of the effective grant that covers the action, or null. */
  grantPermission: string | null;
  permission: string;
  durationSeconds: number;
}

const DAY_SECONDS = 86_400;
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
/** Midnight UTC of a calendar date, in Unix seconds. */
const dateStart = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000);

/**
 * The Cedar question for `action` by `principal` on `resource` in `context`.
 * @example evaluate(set, cedarQuestion('read', principal, resource, context))
 */
export function cedarQuestion(action: CedarAction, p: PrincipalFacts, r: ResourceFacts, c: ContextFacts): CedarQuestion {
  const principal = { type: 'Palisade::Person', id: p.handle };
  const resource = { type: 'Palisade::Resource', id: r.name };
  const e = c.engagement;
  const context: Record<string, CedarValueJson> = {
    now: seconds(c.now),
    gateway: c.gateway,
    engagement: e
      ? { id: e.id, name: e.name, status: e.status, startsAt: dateStart(e.startDate), endsAt: dateStart(e.endDate) + DAY_SECONDS }
      : { id: '', name: '', status: 'none', startsAt: 0, endsAt: 0 },
    readiness: { ready: c.readiness.ready, unmet: c.readiness.unmet },
    hasGrant: c.grantPermission !== null,
    grantPermission: c.grantPermission ?? '',
    permission: c.permission,
    durationSeconds: c.durationSeconds,
  };
  if (c.sourceIp) context.sourceIp = { __extn: { fn: 'ip', arg: c.sourceIp } };
  const entities: EntityJson[] = [
    {
      uid: principal,
      attrs: { handle: p.handle, kind: p.kind, role: p.role, status: p.status, duty: p.duty ?? 'none', vendor: p.vendorId ?? '' },
      parents: [],
    },
    {
      uid: resource,
      attrs: {
        name: r.name, kind: r.kind, environment: r.environment, sensitivity: r.sensitivity, status: r.status,
        owner: { __entity: { type: 'Palisade::Person', id: r.ownerHandle } },
      },
      tags: r.labels,
      parents: [],
    },
  ];
  return { principal, action: { type: 'Palisade::Action', id: action }, resource, context, entities };
}
