/** @module resources/resource-fns — pure checks on resource names and labels (names become URL and path parts). */

export const RESOURCE_NAME_MAX = 100;
export const LABEL_KEY_MAX = 63;
export const LABEL_VALUE_MAX = 200;
export const LABELS_MAX = 50;

/** One segment of a name: starts with a letter or digit, then letters, digits, '.', '_' or '-'. */
const SEGMENT = /^[a-z0-9][a-z0-9._-]*$/;
/** Kubernetes-style label key (lowercase). */
const LABEL_KEY = /^[a-z0-9]([-a-z0-9_./]*[a-z0-9])?$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why `name` is not an acceptable resource name, or null when it is. A name is one or more
 * segments joined by '/', e.g. `payments/api`. Every segment must start with a letter or digit,
 * which rules out '.', '..' and hidden segments (path traversal) and a leading '-' (a name handed
 * to git or ssh must never read as an option). No segment may end in `.git`, so the gateway can
 * split `/git/<name>.git/info/refs` without ambiguity.
 * @example resourceNameProblem('payments/api') // null
 * @example resourceNameProblem('../etc') // "'..' segments are not allowed"
 */
export function resourceNameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name.length > RESOURCE_NAME_MAX) return `at most ${RESOURCE_NAME_MAX} characters`;
  if (name.startsWith('/') || name.endsWith('/')) return "must not start or end with '/'";
  if (/[^a-z0-9._/-]/.test(name)) return "only lowercase letters, digits, '.', '_', '-' and '/' are allowed";
  for (const segment of name.split('/')) {
    if (segment === '') return "empty segments ('//') are not allowed";
    if (segment === '..' || segment === '.') return `'${segment}' segments are not allowed`;
    if (!SEGMENT.test(segment)) return `segment '${segment}' must start with a letter or digit`;
    if (segment.endsWith('.git')) return `segment '${segment}' must not end in '.git'`;
  }
  return null;
}

/**
 * Why `key` is not an acceptable label key, or null.
 * @example labelKeyProblem('team') // null
 */
export function labelKeyProblem(key: string): string | null {
  if (key.length === 0 || key.length > LABEL_KEY_MAX) return `1 to ${LABEL_KEY_MAX} characters`;
  if (!LABEL_KEY.test(key)) return "lowercase letters, digits, '-', '_', '.', '/'; starting and ending with a letter or digit";
  return null;
}

/**
 * Why `value` is not an acceptable label value, or null. Control characters are refused so that
 * labels print safely in terminals and logs.
 * @example labelValueProblem('payments') // null
 */
export function labelValueProblem(value: string): string | null {
  if (value.length > LABEL_VALUE_MAX) return `at most ${LABEL_VALUE_MAX} characters`;
  if (CONTROL.test(value)) return 'control characters are not allowed';
  return null;
}

/**
 * Parse a `key=value` (or bare `key`) label selector as used by `?label=` and the CLI.
 * Returns an error message instead of throwing.
 * @example parseLabelSelector('team=payments') // { key: 'team', value: 'payments' }
 * @example parseLabelSelector('pci') // { key: 'pci', value: null }
 */
export function parseLabelSelector(selector: string): { key: string; value: string | null } | string {
  const eq = selector.indexOf('=');
  const key = eq < 0 ? selector : selector.slice(0, eq);
  const value = eq < 0 ? null : selector.slice(eq + 1);
  const problem = labelKeyProblem(key) ?? (value === null ? null : labelValueProblem(value));
  return problem ? `'${selector}': ${problem}` : { key, value };
}
