import { describe, expect, it } from 'vitest';
import { canTransition, ENGAGEMENT_STATUSES, latestDateOnEarth, missingTerms, sha256Hex, termOfSlug, utcDate } from './engagement-fns.ts';

describe('the engagement status machine', () => {
  it('allows exactly draft→active, active→suspended, suspended→active and anything but ended→ended', () => {
    const allowed = ENGAGEMENT_STATUSES.flatMap((from) => ENGAGEMENT_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(['active→ended', 'active→suspended', 'draft→active', 'draft→ended', 'suspended→active', 'suspended→ended']);
  });
});

describe('missing contract terms', () => {
  const t = { sha256: 'a'.repeat(64), signer: 'x', signedAt: '2026-01-01' };
  it('always need an NDA and an IP-ownership clause', () => {
    expect(missingTerms({ nda: null, dpa: null, ipOwnership: null, touchesPersonalData: false })).toEqual(['nda', 'ipOwnership']);
    expect(missingTerms({ nda: t, dpa: null, ipOwnership: t, touchesPersonalData: false })).toEqual([]);
  });
  it('need a DPA only when personal data is touched', () => {
    expect(missingTerms({ nda: t, dpa: null, ipOwnership: t, touchesPersonalData: true })).toEqual(['dpa']);
    expect(missingTerms({ nda: t, dpa: t, ipOwnership: t, touchesPersonalData: true })).toEqual([]);
  });
});

describe('dates', () => {
  it('know the latest date anywhere on Earth (UTC+14)', () => {
    expect(latestDateOnEarth(new Date('2026-03-02T09:59:59Z'))).toBe('2026-03-02');
    expect(latestDateOnEarth(new Date('2026-03-02T10:00:00Z'))).toBe('2026-03-03');
    expect(latestDateOnEarth(new Date('2026-12-31T12:00:00Z'))).toBe('2027-01-01');
  });
  it('take the UTC calendar date of an instant', () => {
    expect(utcDate(new Date('2026-03-02T23:59:59Z'))).toBe('2026-03-02');
  });
});

describe('terms and hashes', () => {
  it('map URL segments to API names', () => {
    expect(['nda', 'dpa', 'ip-ownership'].map((s) => termOfSlug(s as 'nda'))).toEqual(['nda', 'dpa', 'ipOwnership']);
  });
  it('hash bytes with SHA-256 (FIPS 180-4 "abc" vector)', () => {
    expect(sha256Hex(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
