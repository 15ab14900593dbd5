/**
 * @module scanner/regex/translate — compiles a rule's regular expression (Go/RE2 for gitleaks files,
 * JavaScript for Palisade's own rules) into a JavaScript `RegExp`, refusing patterns that could backtrack
 * catastrophically.
 */
import { emitJs } from './emit.ts';
import { parseRegex, RegexSyntaxError, type Dialect } from './parse.ts';
import { catastrophicBacktracking } from './safety.ts';

/** Why a rule's regex could not be used. */
export class RegexRejectedError extends Error {
  constructor(
    readonly reason: 'syntax' | 'unsupported' | 'backtracking',
    message: string,
  ) {
    super(message);
    this.name = 'RegexRejectedError';
  }
}

export interface CompiledRegex {
  /** Compiled with the `g` flag, for `exec` loops over a whole text. */
  readonly regex: RegExp;
  readonly groupCount: number;
}

/**
 * Translates a Go (RE2) regular expression into an equivalent JavaScript one.
 * @example compileGoRegex('(?i)(?:key)\\s*=\\s*([a-z0-9]{32})').regex.flags // 'gi'
 */
export function compileGoRegex(source: string, use: RegexUse = 'scan'): CompiledRegex {
  return compile(source, 'go', '', use);
}

/**
 * `scan`: the regex runs over whole texts, so polynomial backtracking is refused too; `test`: it only
 * checks short strings (allow lists on a secret, paths), where only exponential backtracking matters.
 */
export type RegexUse = 'scan' | 'test';

/**
 * Checks a JavaScript regular expression with the same static check and recompiles it with `g`.
 * @example compileJsRegex(/ghp_[0-9A-Za-z]{36}/).regex.flags // 'g'
 */
export function compileJsRegex(regex: RegExp): CompiledRegex {
  return compile(regex.source, 'js', regex.flags, 'scan');
}

function compile(source: string, dialect: Dialect, jsFlags: string, use: RegexUse): CompiledRegex {
  let parsed;
  try {
    parsed = parseRegex(source, dialect, { i: jsFlags.includes('i'), m: jsFlags.includes('m'), s: jsFlags.includes('s') });
  } catch (error) {
    if (error instanceof RegexSyntaxError) {
      const unsupported = /not supported|unsupported/.test(error.message);
      throw new RegexRejectedError(unsupported ? 'unsupported' : 'syntax', error.message);
    }
    throw error;
  }
  const problem = catastrophicBacktracking(parsed.node, { polynomial: use === 'scan' });
  if (problem) throw new RegexRejectedError('backtracking', problem);
  if (dialect === 'js') {
    // Our own rules are already JavaScript: keep them as written (readable in reports), only add `g`.
    const flags = jsFlags.includes('g') ? jsFlags : jsFlags + 'g';
    return { regex: new RegExp(source, flags), groupCount: parsed.groupCount };
  }
  const emitted = emitJs(parsed.node);
  try {
    return { regex: new RegExp(emitted.source, emitted.flags + 'g'), groupCount: parsed.groupCount };
  } catch (error) {
    throw new RegexRejectedError('unsupported', `no JavaScript equivalent: ${(error as Error).message}`);
  }
}
