/** @module audit/tlog/verify-bundle — offline verification of an export bundle: no server, no database (docs/audit-log-format.md, "Verifying"). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FILES, BUNDLE_FORMAT } from './bundle.ts';
import { diagnoseEvents } from './bundle-diagnose.ts';
import { ProblemList, type BundleReport, type CheckpointStatus } from './bundle-report.ts';
import { scanBundle } from './bundle-scan.ts';
import { openCheckpoint } from './checkpoint-note.ts';
import { hashesEqual } from './merkle-hash.ts';
import { parseVerifierKey, type VerifierKey } from './note-key.ts';
import { NoteVerificationError } from './signed-note.ts';

/** Options of {@link verifyBundle}. */
export interface VerifyBundleOptions {
  /**
   * The verifier key the auditor already trusts (from the API, CLI or a previous audit). Without
   * it the key is taken from the bundle, which proves integrity only relative to that key.
   */
  readonly verifierKey?: string;
  /**
   * Checkpoint notes obtained independently (e.g. saved at an earlier audit). They are checked like
   * the bundle's own, so deleting recent checkpoints from the bundle cannot hide a truncation.
   */
  readonly checkpoints?: readonly string[];
  /**
   * Also decode every event fully (JSON, schema, RFC 8785 canonical form) even when the bundle
   * verifies. Integrity does not depend on it (every byte is hashed); it lints what the log wrote.
   * When anything fails, the diagnosis decodes every event anyway.
   */
  readonly strict?: boolean;
  /** Hash on worker threads (default: for large bundles, see bundle-scan.ts); `false` keeps one thread. */
  readonly parallel?: boolean;
}

interface ValidCheckpoint {
  readonly label: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
}

const b64 = (u: Uint8Array): string => Buffer.from(u).toString('base64');

function readText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/**
 * Verifies a bundle directory: every checkpoint signature, the tree recomputed from the events
 * against every checkpoint, consistency between checkpoints; on failure, pinpoints the damage.
 * Never throws for a damaged bundle — everything wrong is in the report.
 *
 * @example
 * const report = await verifyBundle('/tmp/export', { verifierKey: pinnedKey });
 * if (!report.ok) for (const p of report.problems) console.error(p.message);
 */
export async function verifyBundle(dir: string, options: VerifyBundleOptions = {}): Promise<BundleReport> {
  const problems = new ProblemList();
  const warnings: string[] = [];

  // 1. The key. A pinned key wins; a different key in the bundle is itself a finding.
  const bundledKeyText = readText(join(dir, BUNDLE_FILES.verifierKey))?.replace(/\n$/, '');
  let key: VerifierKey | undefined;
  for (const [text, source] of [
    [options.verifierKey, 'given verifier key'],
    [bundledKeyText, BUNDLE_FILES.verifierKey],
  ] as const) {
    if (text === undefined || key !== undefined) continue;
    try {
      key = parseVerifierKey(text);
    } catch (err) {
      problems.add({ kind: 'malformed-bundle', file: source, message: `${source}: ${(err as Error).message}` });
    }
  }
  if (options.verifierKey !== undefined && bundledKeyText !== undefined && bundledKeyText !== options.verifierKey) {
    problems.add({ kind: 'verifier-key-mismatch', message: `${BUNDLE_FILES.verifierKey} is not the verifier key given` });
  }
  if (key === undefined && bundledKeyText === undefined) {
    problems.add({ kind: 'malformed-bundle', file: BUNDLE_FILES.verifierKey, message: 'no verifier key' });
  }

  // 2. Checkpoints: the bundle's folder (all files, whatever the manifest lists) and the given ones.
  const sources: { label: string; text: string }[] = [];
  const cpDir = join(dir, BUNDLE_FILES.checkpoints);
  if (existsSync(cpDir)) {
    for (const name of readdirSync(cpDir).sort()) {
      sources.push({ label: `${BUNDLE_FILES.checkpoints}/${name}`, text: readFileSync(join(cpDir, name), 'utf8') });
    }
  }
  (options.checkpoints ?? []).forEach((text, i) => sources.push({ label: `given #${i + 1}`, text }));
  const statuses = new Map<string, CheckpointStatus>();
  const valid: ValidCheckpoint[] = [];
  for (const { label, text } of sources) {
    if (key === undefined) break;
    try {
      const c = openCheckpoint(text, key);
      valid.push({ label, size: c.size, rootHash: c.rootHash });
      statuses.set(label, { checkpoint: label, size: c.size, rootHash: b64(c.rootHash), status: 'verified' });
    } catch (err) {
      const forged = err instanceof NoteVerificationError && err.reason !== 'malformed';
      const message = `${label}: ${(err as Error).message}`;
      if (forged) problems.add({ kind: 'forged-checkpoint', checkpoint: label, message: `${label} is not signed by the log key: ${(err as Error).message}` });
      else problems.add({ kind: 'malformed-checkpoint', checkpoint: label, message });
      statuses.set(label, { checkpoint: label, size: undefined, rootHash: undefined, status: forged ? 'forged' : 'malformed' });
    }
  }
  valid.sort((a, b) => a.size - b.size);
  const latest = valid[valid.length - 1];
  if (latest === undefined) problems.add({ kind: 'no-valid-checkpoint', message: 'no checkpoint signed by the log key: nothing can be verified' });

  // 3. One streaming pass: roots over the events and over the recorded leaf hashes.
  if (!existsSync(join(dir, BUNDLE_FILES.events))) {
    problems.add({ kind: 'malformed-bundle', file: BUNDLE_FILES.events, message: `${BUNDLE_FILES.events} is missing` });
    return finish();
  }
  const scan = await scanBundle(dir, valid.map((c) => c.size), {
    strict: options.strict === true,
    ...(options.parallel === undefined || options.strict ? {} : { parallel: options.parallel }),
  });
  if (scan.missingFinalNewline) warnings.push(`${BUNDLE_FILES.events} does not end in a newline`);

  const matches = (roots: ReadonlyMap<number, Uint8Array>, c: ValidCheckpoint): boolean => {
    const r = roots.get(c.size);
    return r !== undefined && hashesEqual(r, c.rootHash);
  };
  // The largest signed size reproduced by the events / by the recorded hashes.
  const best = (roots: ReadonlyMap<number, Uint8Array>): ValidCheckpoint | undefined =>
    [...valid].reverse().find((c) => matches(roots, c));
  const byEvents = best(scan.eventRoots);
  const byRecorded = scan.recordedCount === undefined ? undefined : best(scan.recordedRoots);
  const verifiedSize = byEvents?.size ?? 0;

  // 4. Consistency. Two signed roots for one size must agree; and data proven by a signed root at
  // size n fixes the root at every smaller size, so a signed checkpoint that disagrees is a fork.
  const inconsistent = new Set<string>();
  const flag = (a: ValidCheckpoint, b: ValidCheckpoint): void => {
    inconsistent.add(a.label);
    problems.add({
      kind: 'inconsistent-checkpoints',
      checkpoints: [a.label, b.label],
      sizes: [a.size, b.size],
      message: `${a.label} (size ${a.size}) and ${b.label} (size ${b.size}) are inconsistent: the log signed two different histories`,
    });
  };
  const anchor = (byRecorded?.size ?? -1) > (byEvents?.size ?? -1) ? byRecorded : byEvents;
  const anchorRoots = anchor === byEvents ? scan.eventRoots : scan.recordedRoots;
  if (anchor !== undefined) {
    for (const c of valid) {
      if (c !== anchor && c.size <= anchor.size && !matches(anchorRoots, c)) flag(c, anchor);
    }
  }
  for (let i = 1; i < valid.length; i++) {
    const a = valid[i - 1] as ValidCheckpoint;
    const b = valid[i] as ValidCheckpoint;
    if (a.size !== b.size || hashesEqual(a.rootHash, b.rootHash) || inconsistent.has(a.label) || inconsistent.has(b.label)) continue;
    flag(a, b);
    inconsistent.add(b.label);
  }

  // 5. Event-level diagnosis when anything is off.
  const unmatched = valid.filter((c) => !matches(scan.eventRoots, c) && !inconsistent.has(c.label));
  let firstAffected = Infinity;
  let malformed: { line: number; message: string }[] = [...scan.malformed];
  let malformedCount = scan.malformedCount;
  if (latest !== undefined && (unmatched.length > 0 || scan.indexAnomaly || scan.eventCount !== latest.size)) {
    const diagnosis = await diagnoseEvents(
      { dir, signedSize: latest.size, signedCheckpoint: latest.label, authenticatedRecorded: byRecorded?.size ?? 0 },
      problems,
    );
    ({ firstAffected, malformed, malformedCount } = diagnosis);
    if (malformed[0] !== undefined) firstAffected = Math.min(firstAffected, malformed[0].line);
  }
  for (const m of malformed) {
    problems.add({ kind: 'malformed-event', line: m.line + 1, message: `line ${m.line + 1}: ${m.message}` });
  }
  if (malformedCount > malformed.length) {
    problems.omitted['malformed-event'] = (problems.omitted['malformed-event'] ?? 0) + malformedCount - malformed.length;
  }
  for (const c of unmatched) {
    const status = statuses.get(c.label);
    if (status !== undefined) statuses.set(c.label, { ...status, status: c.size > scan.eventCount ? 'beyond-events' : 'root-mismatch' });
    if (firstAffected < c.size) continue; // explained by an event-level finding
    problems.add({
      kind: 'root-mismatch',
      checkpoint: c.label,
      treeSize: c.size,
      firstUnverifiedIndex: verifiedSize,
      message: `the events do not reproduce the root of ${c.label}: some event from index ${verifiedSize} to ${c.size - 1} was altered`,
    });
  }
  for (const label of inconsistent) {
    const status = statuses.get(label);
    if (status !== undefined) statuses.set(label, { ...status, status: 'inconsistent' });
  }
  if (scan.hashAnomaly && byEvents !== undefined && byEvents === latest) {
    warnings.push(`${BUNDLE_FILES.leafHashes} disagrees with the events, which do verify; the diagnostics file is damaged`);
  }

  // 6. The manifest is only a table of contents, but a disagreeing one is reported.
  const manifestText = readText(join(dir, BUNDLE_FILES.manifest));
  let origin = key?.name;
  if (manifestText === undefined) {
    warnings.push(`${BUNDLE_FILES.manifest} is missing`);
  } else {
    try {
      const m = JSON.parse(manifestText) as Record<string, unknown>;
      if (m.format !== BUNDLE_FORMAT) problems.add({ kind: 'malformed-bundle', file: BUNDLE_FILES.manifest, message: `unknown bundle format ${String(m.format)}` });
      if (typeof m.origin === 'string') origin ??= m.origin;
      if (key !== undefined && m.origin !== key.name) problems.add({ kind: 'manifest-mismatch', message: `manifest origin ${String(m.origin)} is not the key name ${key.name}` });
      if (m.treeSize !== scan.eventCount) problems.add({ kind: 'manifest-mismatch', message: `manifest says ${String(m.treeSize)} events, ${BUNDLE_FILES.events} has ${scan.eventCount}` });
    } catch {
      problems.add({ kind: 'malformed-bundle', file: BUNDLE_FILES.manifest, message: `${BUNDLE_FILES.manifest} is not JSON` });
    }
  }
  return finish(scan.eventCount, verifiedSize, origin);

  function finish(eventCount = 0, verified = 0, origin = key?.name): BundleReport {
    return {
      ok: problems.count === 0,
      origin,
      verifierKey: key === undefined ? undefined : (options.verifierKey ?? bundledKeyText),
      verifierKeyPinned: options.verifierKey !== undefined,
      eventCount,
      verifiedSize: verified,
      checkpoints: [...statuses.values()],
      problems: problems.items,
      omitted: problems.omitted,
      warnings,
    };
  }
}
