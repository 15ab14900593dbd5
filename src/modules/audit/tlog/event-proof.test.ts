/** @module audit/tlog/event-proof.test — a single event verifies against its checkpoint; any change to event, proof or checkpoint is named. */
import { describe, expect, it } from 'vitest';
import { signCheckpoint } from './checkpoint-note.ts';
import { eventProof, verifyEventProof } from './event-proof.ts';
import { buildSampleLog, sampleEntry } from './log-fixture.test-support.ts';
import { generateSignerKey } from './note-key.ts';

const log = buildSampleLog(21, [21]);
const checkpoint = log.checkpoints.get(21) as string;
const verifierKey = log.verifierKey;

describe('verifyEventProof', () => {
  it('verifies every event of the log against the checkpoint', () => {
    for (const entry of log.entries) {
      const proof = JSON.parse(JSON.stringify(eventProof(log.tree, entry, 21))) as unknown;
      expect(verifyEventProof({ verifierKey, checkpoint, proof })).toEqual({ ok: true, index: entry.index, treeSize: 21 });
    }
  });

  const proof = eventProof(log.tree, sampleEntry(6), 21);
  const problemOf = (input: Partial<Parameters<typeof verifyEventProof>[0]>): string | undefined => {
    const r = verifyEventProof({ verifierKey, checkpoint, proof, ...input });
    return r.ok ? undefined : r.problem;
  };

  it('names each kind of failure', () => {
    const impostor = generateSignerKey(log.signer.name);
    const forged = signCheckpoint({ origin: impostor.name, size: 21, rootHash: log.tree.root(), extensions: [] }, impostor);
    expect(problemOf({ proof: { ...proof, entry: { ...proof.entry, outcome: 'denied' } } })).toBe('not-included');
    expect(problemOf({ proof: { ...proof, entry: { ...proof.entry, index: 7 } } })).toBe('not-included');
    expect(problemOf({ proof: { ...proof, inclusionProof: proof.inclusionProof.slice(1) } })).toBe('not-included');
    expect(problemOf({ proof: { ...proof, treeSize: 20 } })).toBe('tree-size-mismatch');
    expect(problemOf({ proof: { ...proof, inclusionProof: ['AAAA'] } })).toBe('malformed-proof');
    expect(problemOf({ proof: null })).toBe('malformed-proof');
    expect(problemOf({ proof: { ...proof, entry: { ...proof.entry, id: 'x' } } })).toBe('malformed-event');
    expect(problemOf({ checkpoint: forged })).toBe('forged-checkpoint');
    expect(problemOf({ checkpoint: checkpoint.replace('21\n', '22\n') })).toBe('forged-checkpoint');
    expect(problemOf({ checkpoint: 'nonsense' })).toBe('malformed-checkpoint');
    expect(problemOf({ verifierKey: 'nonsense' })).toBe('malformed-key');
  });
});
