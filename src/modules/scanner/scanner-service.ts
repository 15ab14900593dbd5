/**
 * @module scanner/scanner-service — scans requested through the API: an uploaded file, or a range of
 * commits of a hosted repository. Findings leave the service redacted; each scan is one audit event
 * (`scan.completed`) with counts and rule ids — never a secret, a match or a fingerprint (fingerprints
 * hash the secret, and the audit log is permanent and readable by auditors).
 */
import { createHash } from 'node:crypto';
import { NotFoundError, ValidationError, type FieldError } from '../../core/errors.ts';
import { UUID_PATTERN } from '../../core/ids.ts';
import type { Database } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { findResourceById, findResourceByName } from '../resources/resource-store.ts';
import { looksBinary } from './files/binary.ts';
import type { ScanReport } from './format/report.ts';
import { commitExists, existingHostedRepository } from './git/hosted.ts';
import { ZERO_OID } from './git/history.ts';
import { redactFinding } from './redact.ts';
import type { Scanner, ScanResult } from './scanner.ts';
import { MAX_UPLOAD_BYTES, type ScanCommitsInput, type ScanTarget } from './scanner-types.ts';
import type { Finding } from './types.ts';

/** What a scan returns: the report (findings already redacted) and what was scanned. */
export interface ScanOutcome {
  readonly report: ScanReport;
  readonly target: ScanTarget;
}

export interface ScanFileInput {
  readonly name: string;
  readonly content: Buffer;
  readonly personalData: boolean;
}

export interface ScannerService {
  /** Scans bytes the caller sent (anyone may: the findings concern only those bytes). */
  scanFile(actor: AnyActor, input: ScanFileInput): Promise<ScanOutcome>;
  /** Scans the lines added by a range of commits in a hosted repository. */
  scanCommits(actor: AnyActor, input: ScanCommitsInput): Promise<ScanOutcome>;
}

/** Scanners compiled once at start: credential rules, and credential plus personal-data rules. */
export interface ScannerEngines {
  readonly credentials: Scanner;
  readonly personalData: Scanner;
}

/**
 * @example createScannerService({ db, audit, engines: { credentials: createScanner(), personalData: createScanner({ personalData: true }) }, reposDir })
 */
export function createScannerService(deps: { db: Database; audit: AuditService; engines: ScannerEngines; reposDir: string | null }): ScannerService {
  const { db, audit, engines, reposDir } = deps;
  const engine = (personalData: boolean) => (personalData ? engines.personalData : engines.credentials);

  const record = (actor: AnyActor, target: { type: string; id: string }, findings: readonly Finding[], details: Record<string, unknown>) =>
    db.transaction((tx) =>
      audit.record(tx, actor, { type: 'scan.completed', outcome: 'success', target, details: { ...details, findings: findings.length, findingsByRule: countByRule(findings) } }),
    );

  return {
    async scanFile(actor, input) {
      assertPermitted(actor, 'scans.files');
      const { name, content, personalData } = input;
      if (content.length > MAX_UPLOAD_BYTES) throw new ValidationError(`the file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB`);
      const scanner = engine(personalData);
      const binary = looksBinary(content);
      const findings = binary ? [] : scanner.scanBuffer(content, name).map(redactFinding);
      const sha256 = createHash('sha256').update(content).digest('hex');
      await record(actor, { type: 'upload', id: sha256 }, findings, { kind: 'file', name, bytes: content.length, binary, personalData });
      const stats = { files: binary ? 0 : 1, bytes: binary ? 0 : content.length, skippedBinary: binary ? 1 : 0, skippedLarge: 0, commits: 0 };
      return { report: { findings, suppressed: 0, stats, rules: scanner.rules }, target: { kind: 'file', name, bytes: content.length, sha256 } };
    },

    async scanCommits(actor, input) {
      assertPermitted(actor, 'scans.repositories');
      const ref = input.repository;
      const resource = UUID_PATTERN.test(ref) ? await findResourceById(db, ref) : await findResourceByName(db, ref);
      if (!resource) throw new NotFoundError(`resource ${ref} not found`);
      if (resource.kind !== 'git_repository') {
        throw new ValidationError('not a git repository', [{ path: 'repository', message: `${resource.name} is a ${resource.kind} resource, not a git_repository` }]);
      }
      const repoDir = reposDir === null ? null : await existingHostedRepository(reposDir, resource.name);
      if (!repoDir) throw new NotFoundError(`${resource.name} has no hosted repository in the data folder`);
      const from = input.from ?? null;
      const errors: FieldError[] = [];
      for (const [path, oid] of [['from', from], ['to', input.to]] as const) {
        if (oid !== null && !ZERO_OID.test(oid) && !(await commitExists(repoDir, oid))) errors.push({ path, message: `no commit ${oid} in ${resource.name}` });
      }
      if (errors.length > 0) throw new ValidationError('unknown commit', errors);
      const scanner = engine(input.pii);
      // Without `from`, the whole history of `to`; with all zeros, the push semantics of scanCommitRange.
      const result: ScanResult = from === null ? await scanner.scanGitHistory(repoDir, [input.to]) : await scanner.scanCommitRange(repoDir, from, input.to);
      const findings = result.findings.map(redactFinding);
      await record(actor, { type: 'resource', id: resource.id }, findings, {
        kind: 'commits', repository: resource.name, from, to: input.to, commits: result.stats.commits, files: result.stats.files, bytes: result.stats.bytes, personalData: input.pii,
      });
      return {
        report: { findings, suppressed: 0, stats: result.stats, rules: scanner.rules },
        target: { kind: 'commits', repository: resource.name, resourceId: resource.id, from, to: input.to },
      };
    },
  };
}

/** Findings per rule id, in rule-id order: what the audit log keeps of a scan's findings. */
function countByRule(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of findings.map((f) => f.ruleId).sort()) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
}
