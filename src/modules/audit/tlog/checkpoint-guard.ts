/** @module audit/tlog/checkpoint-guard — never sign two inconsistent checkpoints (c2sp.org/tlog-checkpoint, "Signatures"). */
import { ConflictError } from '../../../core/errors.ts';
import type { Checkpoint } from './checkpoint.ts';
import { hashesEqual } from './merkle-hash.ts';
import { treeRoot, type TreeHashSource } from './tree-hash-source.ts';

/**
 * The checkpoint to sign next for the whole of `source`, after proving that it extends the last
 * signed one: the tree may not have shrunk and its root at the old size must be the old root.
 * Throws ConflictError otherwise — the sequencer must then stop, not sign.
 *
 * @example
 * const next = nextCheckpoint(tree, lastSigned, signer.name);
 * const note = signCheckpoint(next, signer);
 */
export function nextCheckpoint(source: TreeHashSource, previous: Checkpoint | undefined, origin: string): Checkpoint {
  const size = source.size;
  if (previous !== undefined) {
    if (previous.origin !== origin) throw new ConflictError('last checkpoint belongs to another log');
    if (previous.size > size) throw new ConflictError(`tree shrank from ${previous.size} to ${size} leaves`);
    if (!hashesEqual(treeRoot(source, previous.size), previous.rootHash)) {
      throw new ConflictError(`tree no longer has the signed root at size ${previous.size}`);
    }
  }
  return { origin, size, rootHash: treeRoot(source, size), extensions: [] };
}
