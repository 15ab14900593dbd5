/** @module auth/actor — who is calling, as every service sees it. */

export const ROLES = ['admin', 'approver', 'auditor', 'developer'] as const;
export type Role = (typeof ROLES)[number];

/** An authenticated person acting through a token, plus where the request came from. */
export interface Actor {
  kind: 'person';
  personId: string;
  handle: string;
  role: Role;
  tokenId: string;
  scopes: string[];
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** Palisade itself (first start, background jobs). */
export interface SystemActor {
  kind: 'system';
  ip: null;
  userAgent: null;
  requestId: string | null;
}

export type AnyActor = Actor | SystemActor;

export const systemActor: SystemActor = { kind: 'system', ip: null, userAgent: null, requestId: null };

/** Where an unauthenticated request came from, for failed-authentication events. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}
