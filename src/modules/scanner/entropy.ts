/** @module scanner/entropy — Shannon entropy of a candidate secret, the same measure gitleaks uses. */

/**
 * Bits per character: −Σ p·log2(p) over the string's character frequencies. Random base64 scores
 * about 5–6, hex about 4, English words and placeholders well under 3.5.
 * @example shannonEntropy('aaaa') // 0
 * @example shannonEntropy('ab') // 1
 */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
