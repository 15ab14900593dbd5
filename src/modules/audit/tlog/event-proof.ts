/** @module audit/tlog/event-proof — one event with its inclusion proof, and its offline verification against a checkpoint. */
import { decodeBase64, encodeBase64 } from './base64.ts';
import { openCheckpoint } from './checkpoint-note.ts';
import { encodeEntry, type AuditLogEntry } from './entry.ts';
import { hashLeaf } from './merkle-hash.ts';
import { inclusionProof } from './merkle-proof.ts';
import { verifyInclusion } from './merkle-verify.ts';
import { parseVerifierKey } from './note-key.ts';
import { NoteVerificationError } from './signed-note.ts';
import type { TreeHashSource } from './tree-hash-source.ts';

/** What the API/CLI hands out for "an event with its inclusion proof" (JSON-serialisable). */
export interface EventProof {
  /** The event as logged; its `index` is the leaf index. */
  readonly entry: AuditLogEntry;
  /** Size of the tree (checkpoint) the proof leads to. */
  readonly treeSize: number;
  /** RFC 9162 §2.1.3 inclusion path, base64 hashes, bottom-up. */
  readonly inclusionProof: readonly string[];
}

/** Why a single-event check failed. */
export type EventProofProblem =
  | 'malformed-key'
  | 'forged-checkpoint'
  | 'malformed-checkpoint'
  | 'malformed-proof'
  | 'malformed-event'
  | 'tree-size-mismatch'
  | 'not-included';

/** Result of {@link verifyEventProof}. */
export type EventProofReport =
  | { readonly ok: true; readonly index: number; readonly treeSize: number }
  | { readonly ok: false; readonly problem: EventProofProblem; readonly message: string };

/**
 * Builds the proof of `entry` (already in `source` at `entry.index`) for the tree of `treeSize` leaves.
 *
 * @example
 * const proof = eventProof(tree, entry, latest.size);
 */
export function eventProof(source: TreeHashSource, entry: AuditLogEntry, treeSize: number): EventProof {
  return { entry, treeSize, inclusionProof: inclusionProof(source, entry.index, treeSize).map(encodeBase64) };
}

const fail = (problem: EventProofProblem, message: string): EventProofReport => ({ ok: false, problem, message });

/**
 * Verifies one event against a signed checkpoint, offline: the checkpoint's signature under the
 * verifier key, then the event's leaf hash through the inclusion proof to the checkpoint root.
 * Never throws; every failure is named.
 *
 * @example
 * verifyEventProof({ verifierKey, checkpoint: noteText, proof: JSON.parse(proofJson) })
 * // { ok: true, index: 17, treeSize: 40 }
 */
export function verifyEventProof(input: { verifierKey: string; checkpoint: string; proof: unknown }): EventProofReport {
  let key;
  try {
    key = parseVerifierKey(input.verifierKey);
  } catch (err) {
    return fail('malformed-key', (err as Error).message);
  }
  let checkpoint;
  try {
    checkpoint = openCheckpoint(input.checkpoint, key);
  } catch (err) {
    const forged = err instanceof NoteVerificationError && err.reason !== 'malformed';
    return fail(forged ? 'forged-checkpoint' : 'malformed-checkpoint', (err as Error).message);
  }
  const p = input.proof as Partial<EventProof> | null;
  if (typeof p !== 'object' || p === null || !Array.isArray(p.inclusionProof) || typeof p.treeSize !== 'number') {
    return fail('malformed-proof', 'expected { entry, treeSize, inclusionProof }');
  }
  const path = p.inclusionProof.map((h) => (typeof h === 'string' ? decodeBase64(h) : undefined));
  if (path.some((h) => h === undefined || h.length !== 32)) return fail('malformed-proof', 'proof hashes must be base64 of 32 bytes');
  let leaf: Uint8Array;
  let index: number;
  try {
    const entry = p.entry as AuditLogEntry;
    leaf = hashLeaf(encodeEntry(entry));
    index = entry.index;
  } catch (err) {
    return fail('malformed-event', (err as Error).message);
  }
  if (p.treeSize !== checkpoint.size) {
    return fail('tree-size-mismatch', `proof is for tree size ${p.treeSize}, the checkpoint has ${checkpoint.size}`);
  }
  if (!verifyInclusion(index, checkpoint.size, leaf, path as Uint8Array[], checkpoint.rootHash)) {
    return fail('not-included', `event ${index} as given is not in the tree of the checkpoint (modified event or wrong proof)`);
  }
  return { ok: true, index, treeSize: checkpoint.size };
}
