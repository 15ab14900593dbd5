/** @module scanner/types — rules, allow lists and findings: the vocabulary of the secret scanner. */

/** Credentials (keys, tokens, passwords) and personal data are reported and enabled separately. */
export type RuleCategory = 'credential' | 'pii';

/** What an allow list's regexes are tested against (gitleaks' `regexTarget`). */
export type AllowTarget = 'secret' | 'match' | 'line';

/** Conditions under which a candidate finding is not reported. */
export interface AllowList {
  readonly description?: string;
  /** `or`: any one criterion allows; `and`: every criterion given must hold. */
  readonly condition: 'or' | 'and';
  readonly regexTarget: AllowTarget;
  /** Without the `g` flag (they are only tested). */
  readonly regexes: readonly RegExp[];
  readonly paths: readonly RegExp[];
  /** Lower case; the secret is allowed when it contains one. */
  readonly stopwords: readonly string[];
  readonly commits: readonly string[];
}

/** A detection rule, compiled and ready to run. */
export interface Rule {
  readonly id: string;
  readonly description: string;
  /** With the `g` flag. Absent for rules that flag a file by its path alone (`*.p12`). */
  readonly regex?: RegExp;
  /** Capture group holding the secret; absent means the first non-empty group, else the whole match. */
  readonly secretGroup?: number;
  /** Lower case; the regex only runs where one of them occurs. Empty means always run. */
  readonly keywords: readonly string[];
  /** The secret's Shannon entropy (bits per character) must exceed this. */
  readonly entropy?: number;
  /** Only files whose path matches. */
  readonly path?: RegExp;
  readonly tags: readonly string[];
  readonly allowlists: readonly AllowList[];
  readonly category: RuleCategory;
  /** Checksum or structure check on the secret (Luhn, IBAN mod-97, token CRC). */
  readonly validate?: (secret: string) => boolean;
  /**
   * `line`: the regex runs on each line that holds a keyword (fast; the secret must sit on that line).
   * `file`: the regex runs on the whole text once any keyword occurs (multi-line secrets, gitleaks semantics).
   */
  readonly scope: 'line' | 'file';
  /** Gitleaks' rule for `generic*` ids: the secret must contain a digit. */
  readonly requireDigit?: boolean;
  readonly origin: 'palisade' | 'gitleaks';
}

/** Where scanned text came from when it was a commit in a repository's history. */
export interface CommitInfo {
  readonly commit: string;
  readonly author: string;
  readonly email: string;
  /** ISO 8601. */
  readonly date: string;
}

/** One detected secret. `secret`, `match` and `lineText` are in clear: pass findings through `redactFinding` before showing them. */
export interface Finding {
  readonly ruleId: string;
  readonly description: string;
  readonly category: RuleCategory;
  readonly tags: readonly string[];
  /** Forward-slash path relative to the scan root (or the name given for standard input / uploads). */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units, of the secret's first character. */
  readonly column: number;
  readonly endLine: number;
  /** 1-based, inclusive. */
  readonly endColumn: number;
  readonly secret: string;
  readonly match: string;
  /** The full line that holds the secret's start. */
  readonly lineText: string;
  readonly entropy: number;
  /** Stable across runs and line moves: see fingerprint.ts. */
  readonly fingerprint: string;
  readonly commit?: CommitInfo;
  /** True once the secret has been masked. */
  readonly redacted: boolean;
}
