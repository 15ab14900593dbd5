/** @module scanner/markers — inline `palisade:allow` / `gitleaks:allow` comments that accept a finding on their line. */

const MARKERS = ['palisade:allow', 'gitleaks:allow'] as const;

/**
 * True when the text (the lines a match spans) carries an allow marker.
 * @example hasAllowMarker('key = "…" # palisade:allow') // true
 */
export function hasAllowMarker(text: string): boolean {
  return MARKERS.some((marker) => text.includes(marker));
}
