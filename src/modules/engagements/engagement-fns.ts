/** @module engagements/engagement-fns — pure rules of engagements: the status machine, contract readiness, dates, hashes. */
import { createHash } from 'node:crypto';

export const ENGAGEMENT_STATUSES = ['draft', 'active', 'suspended', 'ended'] as const;
export type EngagementStatus = (typeof ENGAGEMENT_STATUSES)[number];

/** A developer's role on an engagement (`engagement_developers.duty`); policies use it. */
export const DUTIES = ['frontend', 'backend', 'fullstack', 'mobile', 'devops', 'data', 'qa', 'other'] as const;
export type Duty = (typeof DUTIES)[number];

/** Contract terms backed by a signed document, as named in the API body. */
export const CONTRACT_TERMS = ['nda', 'dpa', 'ipOwnership'] as const;
export type ContractTerm = (typeof CONTRACT_TERMS)[number];
/** The same terms as URL segments (`/contract/ip-ownership`). */
export const TERM_SLUGS = ['nda', 'dpa', 'ip-ownership'] as const;
export type TermSlug = (typeof TERM_SLUGS)[number];

/**
 * The API name of a term from its URL segment.
 * @example termOfSlug('ip-ownership') // 'ipOwnership'
 */
export function termOfSlug(slug: TermSlug): ContractTerm {
  return slug === 'ip-ownership' ? 'ipOwnership' : slug;
}

/** The `engagement_documents.kind` value of a term. */
export function documentKindOf(term: ContractTerm): 'nda' | 'dpa' | 'ip_ownership' {
  return term === 'ipOwnership' ? 'ip_ownership' : term;
}

/** A signed contract term: the document's SHA-256, who signed it and when. */
export interface SignedTerm {
  sha256: string;
  signer: string;
  /** 'YYYY-MM-DD' */
  signedAt: string;
}

/** Allowed status changes. `ended` is final; resuming a suspended engagement is activating it again. */
const TRANSITIONS: Record<EngagementStatus, readonly EngagementStatus[]> = {
  draft: ['active', 'ended'],
  active: ['suspended', 'ended'],
  suspended: ['active', 'ended'],
  ended: [],
};

/**
 * Whether an engagement may go from `from` to `to`.
 * @example canTransition('draft', 'suspended') // false
 */
export function canTransition(from: EngagementStatus, to: EngagementStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * The contract terms an engagement lacks before it may be active: NDA and IP ownership always,
 * a DPA when it touches personal data. This is the product's contracts-first rule.
 * @example missingTerms({ nda: null, dpa: null, ipOwnership: t, touchesPersonalData: true }) // ['nda', 'dpa']
 */
export function missingTerms(e: { nda: unknown; dpa: unknown; ipOwnership: unknown; touchesPersonalData: boolean }): ContractTerm[] {
  const missing: ContractTerm[] = [];
  if (!e.nda) missing.push('nda');
  if (e.touchesPersonalData && !e.dpa) missing.push('dpa');
  if (!e.ipOwnership) missing.push('ipOwnership');
  return missing;
}

/** Human names of the terms, for error messages. */
export const TERM_LABELS: Record<ContractTerm, string> = {
  nda: 'NDA',
  dpa: 'DPA (data processing agreement, required because the engagement touches personal data)',
  ipOwnership: 'IP-ownership clause',
};

/**
 * The latest calendar date it is anywhere on Earth at `now` (UTC+14), as 'YYYY-MM-DD'.
 * A document signed "today" in Kiribati is not in the future, whatever our clock's zone.
 * @example latestDateOnEarth(new Date('2026-03-02T11:00:00Z')) // '2026-03-03'
 */
export function latestDateOnEarth(now: Date): string {
  return new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * The UTC calendar date of `now`, as 'YYYY-MM-DD'.
 * @example utcDate(new Date('2026-03-02T23:30:00Z')) // '2026-03-02'
 */
export function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * SHA-256 of bytes as 64 lowercase hex characters (what `sha256sum` prints).
 * @example sha256Hex(Buffer.from('abc')) // 'ba7816bf…'
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
