/**
 * @module scanner/scanner — the scanner's public face: a scanner built from rules, scanning text, buffers
 * (uploaded files), folders, a repository's whole history, or the commits of one push.
 */
import { compileRuleSet, scanSource, type CompiledRuleSet } from './engine.ts';
import { looksBinary } from './files/binary.ts';
import { createFileReader } from './files/read.ts';
import { walkFiles } from './files/walk.ts';
import { rangeArgs, streamAddedLines, type GitReadOptions } from './git/history.ts';
import { defaultRules } from './rules/index.ts';
import { DEFAULT_SEGMENT_LIMITS, type SegmentLimits } from './segments.ts';
import type { AllowList, Finding, Rule } from './types.ts';

export interface ScannerOptions {
  /** Rules to run (default: Palisade's credential rules, plus personal-data rules when `personalData`). */
  readonly rules?: readonly Rule[];
  /** Allow lists applied to every rule (for example a gitleaks file's `[allowlist]`). */
  readonly globalAllowlists?: readonly AllowList[];
  /** With the default rules: also report personal data. */
  readonly personalData?: boolean;
  /** Files larger than this are skipped (default 25 MiB). */
  readonly maxFileBytes?: number;
  readonly segmentLimits?: SegmentLimits;
  /** Honour .gitignore and .palisadeignore when walking folders (default true). */
  readonly useIgnoreFiles?: boolean;
}

export interface ScanStats {
  files: number;
  bytes: number;
  skippedBinary: number;
  skippedLarge: number;
  commits: number;
}

export interface ScanResult {
  readonly findings: Finding[];
  readonly stats: ScanStats;
}

export const DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024;

/** A scanner bound to one compiled rule set; cheap to call many times. */
export interface Scanner {
  readonly rules: readonly Rule[];
  /** Scans a string (already decoded). */
  scanText(text: string, name: string): Finding[];
  /** Scans file content such as an upload; binary content yields no findings. */
  scanBuffer(content: Uint8Array, name: string): Finding[];
  /** Scans a file or a folder (recursively, honouring ignore files). */
  scanPath(path: string): Promise<ScanResult>;
  /**
   * Scans every line ever added in the repository's history (all refs), attributed to its commit; or the
   * lines added by the given revisions (`git log` arguments), with `git` run in `options.env` (a push's quarantine).
   */
  scanGitHistory(repoDir: string, revisions?: readonly string[], options?: GitReadOptions): Promise<ScanResult>;
  /** Scans the lines added by the commits `fromOid..toOid` (a zero/absent `fromOid` means a new branch). */
  scanCommitRange(repoDir: string, fromOid: string | null, toOid: string): Promise<ScanResult>;
}

/**
 * Builds a scanner.
 * @example const scanner = createScanner({ personalData: true }); scanner.scanText('password = "…"', 'app.env')
 */
export function createScanner(options: ScannerOptions = {}): Scanner {
  const rules = options.rules ?? defaultRules({ personalData: options.personalData ?? false });
  const set: CompiledRuleSet = compileRuleSet(rules, options.globalAllowlists ?? []);
  const limits = options.segmentLimits ?? DEFAULT_SEGMENT_LIMITS;
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const newStats = (): ScanStats => ({ files: 0, bytes: 0, skippedBinary: 0, skippedLarge: 0, commits: 0 });

  /** Text bytes (already known not to be binary). */
  const scanText = (content: Uint8Array, name: string): Finding[] => {
    // latin1 keeps one character per byte: one-byte strings make V8's regex and indexOf fastest, and
    // every credential format is ASCII. Findings are decoded back to UTF-8 for display.
    const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('latin1');
    return scanSource(set, { text, path: name, encoding: 'latin1' }, limits);
  };
  const scanBuffer = (content: Uint8Array, name: string): Finding[] => (looksBinary(content) ? [] : scanText(content, name));

  const historyScan = async (repoDir: string, revisions: readonly string[], gitOptions: GitReadOptions = {}): Promise<ScanResult> => {
    const findings: Finding[] = [];
    const stats = newStats();
    stats.commits = await streamAddedLines(repoDir, revisions, (fragment) => {
      stats.files++;
      stats.bytes += fragment.text.length;
      if (fragment.text.includes('\0')) {
        stats.skippedBinary++;
        return;
      }
      findings.push(
        ...scanSource(set, { text: fragment.text, path: fragment.path, encoding: 'latin1', commit: fragment.commit, lineMap: fragment.lineMap }, limits),
      );
    }, gitOptions);
    return { findings, stats };
  };

  return {
    rules,
    scanText: (text, name) => scanSource(set, { text, path: name, encoding: 'utf16' }, limits),
    scanBuffer,
    async scanPath(path) {
      const findings: Finding[] = [];
      const stats = newStats();
      const reader = createFileReader(maxBytes);
      for await (const file of walkFiles(path, { useIgnoreFiles: options.useIgnoreFiles ?? true })) {
        const read = reader.read(file.absolutePath);
        if (read.kind === 'large') stats.skippedLarge++;
        else if (read.kind === 'binary') stats.skippedBinary++;
        else {
          stats.files++;
          stats.bytes += read.content.length;
          findings.push(...scanText(read.content, file.path));
        }
      }
      return { findings, stats };
    },
    scanGitHistory: (repoDir, revisions = ['--all'], gitOptions = {}) => historyScan(repoDir, revisions, gitOptions),
    scanCommitRange: (repoDir, fromOid, toOid) => historyScan(repoDir, rangeArgs(fromOid, toOid)),
  };
}

/**
 * Scans the commits of a push with the default credential rules: the entry point for the git gateway.
 * @example const { findings } = await scanCommitRange('/srv/git/app.git', oldOid, newOid)
 */
export function scanCommitRange(repoDir: string, fromOid: string | null, toOid: string, options: ScannerOptions = {}): Promise<ScanResult> {
  return createScanner(options).scanCommitRange(repoDir, fromOid, toOid);
}
