/**
 * @module git-gateway/push/ref-rules — which ref updates of a push the repository's rules refuse: protected
 * refs (external developers may not update, delete or force-push them; nobody may delete or force-push them)
 * and the contribution pattern (when set, the only refs external developers may push to).
 */

/** The protected refs of a repository whose rules nobody has set: its main lines and every tag. */
export const DEFAULT_PROTECTED_REFS: readonly string[] = ['refs/heads/main', 'refs/heads/master', 'refs/tags/*'];

/** The placeholder in a contribution pattern replaced by the pusher's handle. */
export const HANDLE_PLACEHOLDER = '<handle>';

export interface RefRules {
  protectedRefs: readonly string[];
  /** e.g. `refs/heads/contrib/<handle>/*`; null = external developers may push to any unprotected ref. */
  contribPattern: string | null;
}

export interface PushedRef {
  ref: string;
  kind: 'create' | 'update' | 'delete';
  forced: boolean;
}

export interface Pusher {
  handle: string;
  kind: 'member' | 'external';
}

// Characters git refuses in ref names (check-ref-format): controls, space, ~ ^ : ? [ \ and DEL.
const BAD_REF_CHAR = /[\u0000-\u0020~^:?[\\\u007f]/;

/**
 * Why a pushed ref name is not acceptable, or null. Stricter than git only where git is lenient for
 * local use: a pushed ref must start with `refs/`.
 * @example refNameProblem('refs/heads/a..b') // 'contains ".."'
 */
export function refNameProblem(ref: string): string | null {
  if (ref.length > 255) return 'longer than 255 characters';
  if (!ref.startsWith('refs/') || ref.length === 5) return 'does not start with refs/';
  if (BAD_REF_CHAR.test(ref) || ref.includes('*')) return 'contains a character git does not allow in a ref name';
  if (ref.includes('..') || ref.includes('//') || ref.includes('@{')) return 'contains "..", "//" or "@{"';
  if (ref.endsWith('/') || ref.endsWith('.') || ref.endsWith('.lock') || ref.split('/').some((c) => c.startsWith('.'))) {
    return 'has a component that starts with "." or ends with "/", "." or ".lock"';
  }
  return null;
}

/**
 * Why a rule pattern is not acceptable, or null. A pattern is a ref name in which `*` stands for one or
 * more of any characters (slashes included: `refs/tags/*` covers `refs/tags/v1/rc`); a contribution
 * pattern must contain `<handle>` so that each developer gets a namespace of their own.
 * @example refPatternProblem('refs/heads/contrib/<handle>/*', { contrib: true }) // null
 */
export function refPatternProblem(pattern: string, opts: { contrib: boolean }): string | null {
  const hasHandle = pattern.includes(HANDLE_PLACEHOLDER);
  if (opts.contrib && !hasHandle) return `must contain ${HANDLE_PLACEHOLDER}`;
  if (!opts.contrib && hasHandle) return `${HANDLE_PLACEHOLDER} is only allowed in the contribution pattern`;
  if (pattern.split(HANDLE_PLACEHOLDER).length > 2) return `${HANDLE_PLACEHOLDER} may appear once`;
  // Check the rest as a ref name, with `*` and the placeholder standing for plain characters.
  const asRef = pattern.replaceAll(HANDLE_PLACEHOLDER, 'handle').replaceAll('*', 'x');
  const problem = refNameProblem(asRef);
  if (problem) return problem;
  if (pattern.includes('**')) return 'use a single "*" (it already matches across "/")';
  return null;
}

/**
 * True when `ref` matches `pattern` (`*` = one or more of any characters).
 * @example refMatches('refs/tags/*', 'refs/tags/v1.0') // true
 */
export function refMatches(pattern: string, ref: string): boolean {
  if (!pattern.includes('*')) return pattern === ref;
  const parts = pattern.split('*');
  const re = new RegExp('^' + parts.map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.+') + '$', 's');
  return re.test(ref);
}

/**
 * The contribution pattern with the pusher's handle in place of `<handle>`.
 * @example contribPatternFor('refs/heads/contrib/<handle>/*', 'ann') // 'refs/heads/contrib/ann/*'
 */
export function contribPatternFor(pattern: string, handle: string): string {
  return pattern.replaceAll(HANDLE_PLACEHOLDER, handle);
}

/**
 * The reason the rules refuse this ref update, or null when they allow it.
 *
 * External developers: nothing on a protected ref; with a contribution pattern, only refs under it.
 * Members: may update protected refs (fast-forward), but nobody deletes or force-pushes a protected ref
 * through the gateway — rewriting the main line's history is done on the repository host, deliberately.
 * @example refRefusal({ protectedRefs: ['refs/heads/main'], contribPattern: null }, { handle: 'ann', kind: 'external' },
 *   { ref: 'refs/heads/main', kind: 'update', forced: false }) // 'protected ref: external developers cannot update it'
 */
export function refRefusal(rules: RefRules, pusher: Pusher, update: PushedRef): string | null {
  const isProtected = rules.protectedRefs.some((p) => refMatches(p, update.ref));
  if (isProtected) {
    if (update.kind === 'delete') return 'protected ref: deletion refused';
    if (update.forced) return 'protected ref: force-push refused';
    if (pusher.kind === 'external') return `protected ref: external developers cannot ${update.kind} it`;
    return null;
  }
  if (pusher.kind === 'external' && rules.contribPattern !== null) {
    const own = contribPatternFor(rules.contribPattern, pusher.handle);
    if (!refMatches(own, update.ref)) return `outside your contribution refs ${own}`;
  }
  return null;
}
