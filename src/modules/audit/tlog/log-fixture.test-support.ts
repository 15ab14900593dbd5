/** @module audit/tlog/log-fixture.test-support — builds a signed log and its bundle from generated events, for tests and benchmarks. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBundle } from './bundle.ts';
import { nextCheckpoint } from './checkpoint-guard.ts';
import { signCheckpoint } from './checkpoint-note.ts';
import { encodeEntry, type AuditLogEntry } from './entry.ts';
import { hashLeaf } from './merkle-hash.ts';
import { MemoryTree } from './memory-tree.ts';
import { formatVerifierKey, generateSignerKey, type SignerKey } from './note-key.ts';

const TYPES = ['engagement.created', 'grant.approved', 'git.clone', 'git.push', 'ssh.login', 'file.downloaded'];
const OUTCOMES = ['success', 'failure', 'denied'] as const;

/** A plausible, deterministic audit event for leaf index `i`. */
export function sampleEntry(i: number): AuditLogEntry {
  const hex = i.toString(16).padStart(12, '0');
  return {
    index: i,
    id: `0190a1b2-c3d4-4e5f-8a6b-${hex}`,
    occurredAt: new Date(Date.UTC(2025, 0, 1) + i * 1037).toISOString(),
    type: TYPES[i % TYPES.length] as string,
    outcome: OUTCOMES[i % 7 === 0 ? 2 : i % 5 === 0 ? 1 : 0],
    actor: {
      id: `7d1c2b3a-0000-4000-8000-${(i % 97).toString(16).padStart(12, '0')}`,
      handle: `dev${i % 97}`,
      role: 'external',
      ip: `198.51.100.${i % 250}`,
      userAgent: 'git/2.45.2',
    },
    target: { type: 'repository', id: `repo-${i % 13}` },
    engagementId: i % 3 === 0 ? null : `5e6f7a8b-0000-4000-8000-${(i % 11).toString(16).padStart(12, '0')}`,
    requestId: `req-${i}`,
    details: { path: `/srv/git/repo-${i % 13}.git`, bytes: i * 17, protocol: 'smart-http', note: i % 9 === 0 ? 'über «quoted» \u2028' : null },
  };
}

/** A log of `n` sample events with checkpoints signed at `sizes` (the last should be `n`). */
export interface SampleLog {
  readonly signer: SignerKey;
  readonly verifierKey: string;
  readonly tree: MemoryTree;
  readonly entries: AuditLogEntry[];
  /** Signed checkpoint notes by size. */
  readonly checkpoints: Map<number, string>;
}

/** Builds a {@link SampleLog}, signing each checkpoint through the consistency guard. */
export function buildSampleLog(n: number, sizes: readonly number[], signer = generateSignerKey('audit.example.com/log')): SampleLog {
  const tree = new MemoryTree();
  const entries: AuditLogEntry[] = [];
  const checkpoints = new Map<number, string>();
  let previous;
  const wanted = new Set(sizes);
  for (let i = 0; i <= n; i++) {
    if (wanted.has(i)) {
      previous = nextCheckpoint(tree, previous, signer.name);
      checkpoints.set(i, signCheckpoint(previous, signer));
    }
    if (i === n) break;
    const entry = sampleEntry(i);
    entries.push(entry);
    tree.append(hashLeaf(encodeEntry(entry)));
  }
  return { signer, verifierKey: formatVerifierKey(signer), tree, entries, checkpoints };
}

/** Writes the bundle of a sample log into a fresh temporary directory. */
export async function writeSampleBundle(log: SampleLog, dir = mkdtempSync(join(tmpdir(), 'palisade-bundle-'))): Promise<string> {
  await writeBundle(dir, {
    verifierKey: log.verifierKey,
    entries: log.entries,
    leafHashes: (function* () {
      for (let i = 0; i < log.tree.size; i++) yield log.tree.leafHash(i);
    })(),
    checkpoints: [...log.checkpoints.values()],
    now: () => new Date('2025-06-01T00:00:00.000Z'),
  });
  return dir;
}
