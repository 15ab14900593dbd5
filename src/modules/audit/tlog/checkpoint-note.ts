/** @module audit/tlog/checkpoint-note — signing and opening checkpoints as signed notes (c2sp.org/tlog-checkpoint, "Signatures"). */
import { ValidationError } from '../../../core/errors.ts';
import { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.ts';
import type { SignerKey, VerifierKey } from './note-key.ts';
import { NoteVerificationError, openNote, signNote } from './signed-note.ts';

/**
 * Signs a checkpoint with the log key. Palisade names its key after its origin, as the spec
 * recommends ("The log's key name in its signature line SHOULD match the origin line").
 *
 * @example
 * const note = signCheckpoint({ origin: signer.name, size: tree.size, rootHash: tree.root(), extensions: [] }, signer);
 */
export function signCheckpoint(checkpoint: Checkpoint, signer: SignerKey): string {
  if (checkpoint.origin !== signer.name) throw new ValidationError('checkpoint origin must equal the signing key name');
  return signNote(formatCheckpoint(checkpoint), [signer]);
}

/**
 * Verifies a checkpoint note with the log's verifier key and parses it. The origin must equal
 * the key name, so a note signed by the right key for another log is refused. Throws
 * {@link NoteVerificationError} for signature problems and ValidationError for a bad body.
 *
 * @example
 * const checkpoint = openCheckpoint(noteText, parseVerifierKey(vkey));
 */
export function openCheckpoint(note: string | Uint8Array, verifier: VerifierKey): Checkpoint {
  const { text } = openNote(note, [verifier]);
  const checkpoint = parseCheckpoint(text);
  if (checkpoint.origin !== verifier.name) {
    throw new NoteVerificationError('malformed', `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not the log ${verifier.name}`);
  }
  return checkpoint;
}
