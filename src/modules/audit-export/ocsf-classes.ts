/**
 * @module audit-export/ocsf-classes — which OCSF 1.3 class and activity each Palisade event type
 * becomes. One ordered rule list, first match wins; docs/export.md shows the same table and a test
 * keeps the two in step. Class and activity ids are those of the OCSF 1.3.0 schema
 * (github.com/ocsf/ocsf-schema, tag 1.3.0: events/iam/authentication.json, user_access.json,
 * events/application/api.json, file_hosting.json, events/base_event.json).
 */
import type { AuditEvent } from '../audit/audit-types.ts';

export const OCSF_VERSION = '1.3.0';

export interface OcsfClass {
  classUid: number;
  className: string;
  categoryUid: number;
  categoryName: string;
  /** activity_id → activity_name, as the schema lists them (0 Unknown and 99 Other are always allowed). */
  activities: Record<number, string>;
}

export const CLASSES = {
  authentication: {
    classUid: 3002, className: 'Authentication', categoryUid: 3, categoryName: 'Identity & Access Management',
    activities: { 1: 'Logon', 2: 'Logoff', 3: 'Authentication Ticket', 4: 'Service Ticket Request', 5: 'Service Ticket Renew', 6: 'Preauth' },
  },
  userAccess: {
    classUid: 3005, className: 'User Access Management', categoryUid: 3, categoryName: 'Identity & Access Management',
    activities: { 1: 'Assign Privileges', 2: 'Revoke Privileges' },
  },
  apiActivity: {
    classUid: 6003, className: 'API Activity', categoryUid: 6, categoryName: 'Application Activity',
    activities: { 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete' },
  },
  fileHosting: {
    classUid: 6006, className: 'File Hosting Activity', categoryUid: 6, categoryName: 'Application Activity',
    activities: {
      1: 'Upload', 2: 'Download', 3: 'Update', 4: 'Delete', 5: 'Rename', 6: 'Copy', 7: 'Move', 8: 'Restore', 9: 'Preview',
      10: 'Lock', 11: 'Unlock', 12: 'Share', 13: 'Unshare', 14: 'Open', 15: 'Sync', 16: 'Unsync',
    },
  },
  base: { classUid: 0, className: 'Base Event', categoryUid: 0, categoryName: 'Uncategorized', activities: {} },
} as const satisfies Record<string, OcsfClass>;

export type ClassKey = keyof typeof CLASSES;

export interface Rule {
  /** Exact type, `prefix.*`, or a regular expression. */
  match: string | RegExp;
  class: ClassKey;
  activity: number | ((e: AuditEvent) => number);
  /** How the activity is chosen, for docs/export.md. */
  note: string;
}

const lastWord = (type: string) => type.slice(type.lastIndexOf('.') + 1);

/** API Activity from the verb: created → Create, removal-like verbs → Delete, everything else Update. */
export function apiVerb(e: AuditEvent): number {
  const verb = lastWord(e.type);
  if (['created', 'create', 'bootstrapped', 'add'].includes(verb)) return 1;
  if (['read', 'viewed', 'exported', 'downloaded'].includes(verb)) return 2;
  if (['deleted', 'delete', 'destroy', 'destroyed', 'removed', 'offboarded', 'archived', 'retired', 'ended'].includes(verb)) return 4;
  return 3;
}

/** API Activity of a refused call: from its HTTP method. */
function methodActivity(e: AuditEvent): number {
  const method = typeof e.details.method === 'string' ? e.details.method.toUpperCase() : '';
  return ({ GET: 2, HEAD: 2, POST: 1, PUT: 3, PATCH: 3, DELETE: 4 } as Record<string, number>)[method] ?? 0;
}

const FILE_VERBS: Record<string, number> = {
  uploaded: 1, downloaded: 2, updated: 3, deleted: 4, renamed: 5, copied: 6, moved: 7, restored: 8, previewed: 9,
  locked: 10, unlocked: 11, shared: 12, unshared: 13, opened: 14,
};

const revokeVerbs = ['revoked', 'expired', 'ended', 'removed'];

export const RULES: Rule[] = [
  { match: 'auth.failed', class: 'authentication', activity: 1, note: 'Logon (failed)' },
  { match: /^ssh\.(login|invalid_user|auth_attempts_exceeded)$/, class: 'authentication', activity: 1, note: 'Logon' },
  { match: 'ssh.disconnect', class: 'authentication', activity: 2, note: 'Logoff' },
  { match: 'ssh.*', class: 'authentication', activity: 99, note: 'Other (ssh.message: any other sshd line)' },
  { match: /^github\.[a-z_]+\.(failed_)?login$/, class: 'authentication', activity: 1, note: 'Logon' },
  { match: /^github\.[a-z_]+\.logout$/, class: 'authentication', activity: 2, note: 'Logoff' },
  { match: 'token.created', class: 'userAccess', activity: 1, note: 'Assign Privileges (the token\'s scopes)' },
  { match: 'token.revoked', class: 'userAccess', activity: 2, note: 'Revoke Privileges' },
  {
    match: 'grant.*', class: 'userAccess', activity: (e) => (revokeVerbs.includes(lastWord(e.type)) ? 2 : 1),
    note: 'Revoke Privileges for revoked, expired, ended, removed; Assign Privileges otherwise',
  },
  { match: /^github\..*\.(add|invite)_[a-z_]*(member|collaborator)[a-z_]*$/, class: 'userAccess', activity: 1, note: 'Assign Privileges' },
  { match: /^github\..*\.remove_[a-z_]*(member|collaborator)[a-z_]*$/, class: 'userAccess', activity: 2, note: 'Revoke Privileges' },
  { match: 'engagement.document_uploaded', class: 'fileHosting', activity: 1, note: 'Upload' },
  { match: 'file.*', class: 'fileHosting', activity: (e) => FILE_VERBS[lastWord(e.type)] ?? 99, note: 'from the verb (uploaded → Upload, downloaded → Download, shared → Share …), else Other' },
  { match: /^(github\.)?git\.(clone|fetch)$/, class: 'fileHosting', activity: 2, note: 'Download' },
  { match: /^(github\.)?git\.push$/, class: 'fileHosting', activity: 1, note: 'Upload' },
  { match: 'git.*', class: 'fileHosting', activity: 99, note: 'Other' },
  { match: 'external.*', class: 'base', activity: 99, note: 'Other: a generic event\'s meaning is its sender\'s; everything is in unmapped' },
  { match: 'access.denied', class: 'apiActivity', activity: methodActivity, note: 'from the HTTP method: GET Read, POST Create, PUT/PATCH Update, DELETE Delete' },
  { match: 'github.*', class: 'apiActivity', activity: apiVerb, note: 'from the action\'s last word: create/add Create, destroy/delete/remove Delete, else Update' },
  { match: /.*/, class: 'apiActivity', activity: apiVerb, note: 'every other Palisade event: created/bootstrapped Create; deleted/removed/offboarded/archived/retired/ended Delete; else Update' },
];

function matches(rule: Rule, type: string): boolean {
  if (rule.match instanceof RegExp) return rule.match.test(type);
  if (rule.match.endsWith('.*')) return type.startsWith(rule.match.slice(0, -1));
  return type === rule.match;
}

/**
 * The class and activity of an event.
 * @example classify(event) // { class: CLASSES.authentication, activityId: 1 }
 */
export function classify(e: AuditEvent): { class: OcsfClass; activityId: number } {
  const rule = RULES.find((r) => matches(r, e.type))!;
  return { class: CLASSES[rule.class], activityId: typeof rule.activity === 'number' ? rule.activity : rule.activity(e) };
}
