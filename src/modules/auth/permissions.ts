/**
 * @module auth/permissions — the one table of which role may do what. Deny by default: a permission
 * not listed here is granted to nobody. Services call `assertPermitted`; the HTTP layer checks the
 * route's permission before validation, so a caller without the role learns nothing from the schema.
 */
import { ForbiddenError } from '../../core/errors.ts';
import type { AnyActor, Role } from './actor.ts';

export const PERMISSIONS = {
  'me.read': ['admin', 'approver', 'auditor', 'developer'],
  'me.update': ['admin', 'approver', 'auditor', 'developer'],
  'tokens.self': ['admin', 'approver', 'auditor', 'developer'],
  'tokens.manage': ['admin'],
  'people.read': ['admin', 'approver', 'auditor'],
  'people.write': ['admin'],
  'vendors.read': ['admin', 'approver', 'auditor'],
  'vendors.write': ['admin'],
  /** Developers read only the engagements they are on; the service filters. */
  'engagements.read': ['admin', 'approver', 'auditor', 'developer'],
  'engagements.write': ['admin'],
  /** Row-level, checked in the service: see every engagement, not only the ones you are on. */
  'engagements.read.all': ['admin', 'approver', 'auditor'],
  'resources.read': ['admin', 'approver', 'auditor'],
  'resources.write': ['admin'],
  'audit.read': ['admin', 'auditor'],
  // Access (issue 3): vetting, training, readiness, requests, approvals, grants, settings.
  'vetting.read': ['admin', 'approver', 'auditor'],
  'vetting.write': ['admin'],
  'training.write': ['admin'],
  /** Developers see only their own readiness, on engagements they are on; the service filters. */
  'readiness.read': ['admin', 'approver', 'auditor', 'developer'],
  /** Developers request for themselves; admins for any developer (row-level check in the service). */
  'access.request': ['admin', 'developer'],
  /** Developers see only requests for themselves; the service filters. */
  'access.read': ['admin', 'approver', 'auditor', 'developer'],
  /** The service also checks that the caller is an eligible approver of the resource and not the requester. */
  'access.decide': ['admin', 'approver'],
  /** Developers see only their own grants; the service filters. */
  'grants.read': ['admin', 'approver', 'auditor', 'developer'],
  /** Approvers only on resources they own; the service checks. */
  'grants.revoke': ['admin', 'approver'],
  'settings.read': ['admin', 'approver', 'auditor'],
  'settings.write': ['admin'],
  // Ingestion and export (issue 4).
  /** Send sshd logs, GitHub audit events and generic events; set the GitHub webhook secret. */
  'ingest.write': ['admin'],
  'ingest.read': ['admin', 'auditor'],
  'audit.sinks.read': ['admin', 'auditor'],
  'audit.sinks.write': ['admin'],
  // Policies, the authorizer and access reviews (issue 3).
  'policies.read': ['admin', 'approver', 'auditor'],
  'policies.write': ['admin'],
  /** Ask the authorizer; developers only about themselves (row-level check in the service). */
  'authorize.check': ['admin', 'approver', 'auditor', 'developer'],
  /** Row-level, checked in the service: ask about any person, not only yourself. */
  'authorize.others': ['admin', 'approver', 'auditor'],
  /** Approvers see the campaigns with items assigned to them; the service filters. */
  'reviews.read': ['admin', 'approver', 'auditor'],
  'reviews.write': ['admin'],
  /** Approvers decide only items assigned to them; admins decide any (and escalated ones). */
  'reviews.decide': ['admin', 'approver'],
  // Secret scanning (issue 5).
  /**
   * Scan bytes you send. Every role, developers included: the findings concern only the bytes the caller
   * sent, the rules are public (`palisade scan` runs them offline anyway), and checking a file before
   * sharing it is what we want developers to do.
   */
  'scans.files': ['admin', 'approver', 'auditor', 'developer'],
  /**
   * Scan a hosted repository's history: it shows code and authors of every contributor, so only the roles
   * that oversee repositories; developers reach repositories only through the git gateway and their grants.
   */
  'scans.repositories': ['admin', 'approver'],
  // Git gateway (issue 6).
  /** How a git_repository is served (hosted or upstream; the upstream credential is never shown). */
  'git.repositories.read': ['admin', 'approver', 'auditor'],
  'git.repositories.write': ['admin'],
  // Git push rules and the push-scan allow list (issue 6).
  /** Read a repository's protected refs and contribution pattern, and the allow list. */
  'git.push-rules.read': ['admin', 'approver', 'auditor'],
  'git.push-rules.write': ['admin'],
  // Detection and alerts (issue 7).
  /** Alerts name developers and what they did: the roles that oversee, not developers or approvers. */
  'alerts.read': ['admin', 'auditor'],
  /** Acknowledge, assign, resolve. */
  'alerts.manage': ['admin'],
  'alerts.channels.read': ['admin', 'auditor'],
  'alerts.channels.write': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Roles that hold `permission`. */
export function rolesFor(permission: Permission): readonly Role[] {
  return PERMISSIONS[permission];
}

/** True when the actor's role holds the permission. The system actor holds every permission. */
export function isPermitted(actor: AnyActor, permission: Permission): boolean {
  if (actor.kind === 'system') return true;
  return (PERMISSIONS[permission] as readonly Role[]).includes(actor.role);
}

/**
 * Throw ForbiddenError unless the actor's role holds the permission.
 * @example assertPermitted(actor, 'people.write');
 */
export function assertPermitted(actor: AnyActor, permission: Permission): void {
  if (!isPermitted(actor, permission)) {
    throw new ForbiddenError(`role '${actor.kind === 'person' ? actor.role : 'system'}' may not ${permission}`);
  }
}
