/** @module scanner/rules/validators — structure checks on candidate secrets, used to drop look-alikes. */

/**
 * True when the string mixes at least `classes` of: lower case, upper case, digits. Real keys and
 * passwords do; identifiers (`my_service_token`) and words usually do not, punctuation or not.
 * @example mixesCharacterClasses('hunter2', 2) // true
 * @example mixesCharacterClasses('not_a_secret', 2) // false
 */
export function mixesCharacterClasses(text: string, classes: number): boolean {
  let n = 0;
  if (/[a-z]/.test(text)) n++;
  if (/[A-Z]/.test(text)) n++;
  if (/[0-9]/.test(text)) n++;
  return n >= classes;
}

/**
 * True for a JSON Web Token whose header decodes to JSON with an `alg`.
 * @example isJwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln…') // true
 */
export function isJwt(token: string): boolean {
  const header = token.split('.')[0] ?? '';
  try {
    const json: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof json === 'object' && json !== null && 'alg' in json;
  } catch {
    return false;
  }
}

/**
 * True when base64 decodes to printable `user:password` with a non-trivial password.
 * @example isBasicAuthCredential(Buffer.from('alice:s3cr3t-pw').toString('base64')) // true
 */
export function isBasicAuthCredential(encoded: string): boolean {
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  if (!/^[\x20-\x7e]+$/.test(decoded)) return false;
  const colon = decoded.indexOf(':');
  if (colon < 1) return false;
  const password = decoded.slice(colon + 1);
  return password.length >= 4 && !/^(?:password|pass|secret|changeme|\*+|x+)$/i.test(password);
}

/** True when a value looks like code rather than a literal (camelCase identifiers, dotted paths, calls). */
export function looksLikeCode(value: string): boolean {
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:\(\)?)?$/.test(value) || /^[a-z]{2,}(?:[A-Z][a-z]{2,}[0-9]{0,2})+$/.test(value) || value.includes('(');
}
