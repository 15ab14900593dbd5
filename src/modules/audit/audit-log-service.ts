/**
 * @module audit/audit-log-service — reading the tamper-evident log (admins and auditors): signed
 * checkpoints, the verifier key, an event with its inclusion proof, consistency proofs, and the
 * paged export that `palisade audit export` turns into a bundle.
 */
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { UUID_PATTERN } from '../../core/ids.ts';
import type { Database } from '../../db/database.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import type {
  CheckpointQuery, CheckpointView, ConsistencyView, EventProofView, ExportPage, ExportQuery, VerifierKeyView,
} from './audit-log-types.ts';
import { consistencyProofFromStore, inclusionProofFromStore } from './db-tree.ts';
import { entryOf } from './log-entry.ts';
import { encodeBase64 } from './tlog/base64.ts';
import { parseVerifierKey } from './tlog/index.ts';
import type { TreeCache } from './tree-cache.ts';
import {
  checkpointAt, checkpointAtMost, eventById, eventsByLeaf, latestCheckpoint, readLeafHashes, readSigningKey, readTreeSize,
  type StoredCheckpoint,
} from './tlog-store.ts';

export interface AuditLogService {
  /** The latest signed checkpoint, or the one of a given size (`treeSize`) or at most a size (`atMost`). */
  checkpoint(actor: AnyActor, query: CheckpointQuery): Promise<CheckpointView>;
  verifierKey(actor: AnyActor): Promise<VerifierKeyView>;
  /** An event with its leaf index and inclusion proof against the latest (or the `treeSize`) checkpoint. */
  eventProof(actor: AnyActor, id: string, treeSize?: number): Promise<EventProofView>;
  /** The consistency proof from tree size `from` to the checkpoint of size `to` (default latest). */
  consistency(actor: AnyActor, from: number, to?: number): Promise<ConsistencyView>;
  /** Entries `[fromIndex, toIndex)` with their stored leaf hashes, one page. */
  exportEntries(actor: AnyActor, query: ExportQuery): Promise<ExportPage>;
}

const view = (c: StoredCheckpoint): CheckpointView => ({
  origin: c.note.slice(0, c.note.indexOf('\n')),
  treeSize: c.size,
  rootHash: encodeBase64(c.rootHash),
  note: c.note,
  createdAt: c.createdAt,
});

/**
 * The read side of the log; `tree` (shared with the sequencer) spares proofs their queries.
 * @example const auditLog = createAuditLogService({ db }); await auditLog.checkpoint(actor, {});
 */
export function createAuditLogService(deps: { db: Database; tree?: TreeCache }): AuditLogService {
  const { db, tree } = deps;

  const noCheckpoint = () => new NotFoundError('the audit log has no signed checkpoint yet');

  const findCheckpoint = async (q: CheckpointQuery): Promise<StoredCheckpoint> => {
    if (q.treeSize !== undefined) {
      const c = await checkpointAt(db, q.treeSize);
      if (!c) throw new NotFoundError(`no checkpoint of tree size ${q.treeSize} was signed`);
      return c;
    }
    const c = q.atMost !== undefined ? await checkpointAtMost(db, q.atMost) : await latestCheckpoint(db);
    if (!c) throw q.atMost !== undefined ? new NotFoundError(`no checkpoint of at most ${q.atMost} leaves was signed`) : noCheckpoint();
    return c;
  };

  return {
    async checkpoint(actor, query) {
      assertPermitted(actor, 'audit.read');
      return view(await findCheckpoint(query));
    },

    async verifierKey(actor) {
      assertPermitted(actor, 'audit.read');
      const key = await readSigningKey(db);
      if (!key) throw new NotFoundError('the audit log has no signing key yet');
      const parsed = parseVerifierKey(key.verifierKey);
      return { verifierKey: key.verifierKey, origin: key.name, keyId: parsed.keyId.toString(16).padStart(8, '0'), algorithm: 'ed25519', createdAt: key.createdAt };
    },

    async eventProof(actor, id, treeSize) {
      assertPermitted(actor, 'audit.read');
      if (!UUID_PATTERN.test(id)) throw new NotFoundError(`audit event ${id} not found`);
      const event = await eventById(db, id);
      if (!event) throw new NotFoundError(`audit event ${id} not found`);
      const checkpoint = treeSize !== undefined ? await findCheckpoint({ treeSize }) : await latestCheckpoint(db);
      const index = event.leafIndex;
      if (index === null || checkpoint === null || index >= checkpoint.size) {
        if (treeSize !== undefined) {
          throw new ValidationError(`event ${id} is not in the tree of size ${treeSize}`, [
            { path: 'treeSize', message: index === null ? 'the event is not integrated yet' : `the event is leaf ${index}; ask for a larger tree` },
          ]);
        }
        return { event, status: 'pending', proof: null, checkpoint: checkpoint && view(checkpoint) };
      }
      const path = await inclusionProofFromStore(db, index, checkpoint.size, tree);
      return {
        event,
        status: 'proven',
        proof: { entry: entryOf(event, index), treeSize: checkpoint.size, inclusionProof: path.map(encodeBase64) },
        checkpoint: view(checkpoint),
      };
    },

    async consistency(actor, from, to) {
      assertPermitted(actor, 'audit.read');
      const target = to !== undefined ? await findCheckpoint({ treeSize: to }) : await latestCheckpoint(db);
      if (!target) throw noCheckpoint();
      if (from > target.size) {
        throw new ValidationError('from is larger than to', [{ path: 'from', message: `must be at most ${target.size}` }]);
      }
      const proof = await consistencyProofFromStore(db, from, target.size, tree);
      const older = await checkpointAt(db, from);
      return { from, to: target.size, proof: proof.map(encodeBase64), fromCheckpoint: older && view(older), toCheckpoint: view(target) };
    },

    async exportEntries(actor, query) {
      assertPermitted(actor, 'audit.read');
      const size = await readTreeSize(db);
      if (query.toIndex > size) throw new ConflictError(`the log has ${size} integrated events; toIndex ${query.toIndex} is beyond them`);
      const end = Math.min(query.toIndex, query.fromIndex + query.limit);
      if (query.fromIndex >= end) return { items: [], nextIndex: null };
      const [events, hashes] = await Promise.all([eventsByLeaf(db, query.fromIndex, end, end - query.fromIndex), readLeafHashes(db, query.fromIndex, end)]);
      if (events.length !== end - query.fromIndex || hashes.length !== events.length) {
        throw new Error(`the log store is missing events or leaf hashes in [${query.fromIndex}, ${end})`);
      }
      return {
        items: events.map((e, i) => ({ entry: entryOf(e, e.leafIndex!), leafHash: encodeBase64(hashes[i]!) })),
        nextIndex: end < query.toIndex ? end : null,
      };
    },
  };
}
