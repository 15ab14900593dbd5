/** @module audit/tlog/checkpoint-note.test — signed checkpoints open only under the log's own key and origin; the guard refuses forks. */
import { describe, expect, it } from 'vitest';
import { nextCheckpoint } from './checkpoint-guard.ts';
import { openCheckpoint, signCheckpoint } from './checkpoint-note.ts';
import { hashLeaf } from './merkle-hash.ts';
import { MemoryTree } from './memory-tree.ts';
import { formatVerifierKey, generateSignerKey, parseVerifierKey } from './note-key.ts';
import { NoteVerificationError, signNote } from './signed-note.ts';

const signer = generateSignerKey('audit.example.com/log');
const verifier = parseVerifierKey(formatVerifierKey(signer));

function treeOf(n: number, salt = ''): MemoryTree {
  const tree = new MemoryTree();
  for (let i = 0; i < n; i++) tree.append(hashLeaf(new TextEncoder().encode(`${salt}${i}`)));
  return tree;
}

describe('checkpoint notes', () => {
  it('sign and open, in the C2SP layout', () => {
    const tree = treeOf(5);
    const note = signCheckpoint(nextCheckpoint(tree, undefined, signer.name), signer);
    expect(note).toMatch(/^audit\.example\.com\/log\n5\n[A-Za-z0-9+/]{43}=\n\n— audit\.example\.com\/log [A-Za-z0-9+/]+=*\n$/);
    const c = openCheckpoint(note, verifier);
    expect(c.size).toBe(5);
    expect(c.rootHash).toEqual(tree.root());
  });

  it('refuse a checkpoint signed by another key or for another origin', () => {
    const tree = treeOf(3);
    const impostor = generateSignerKey('audit.example.com/log');
    const forged = signCheckpoint(nextCheckpoint(tree, undefined, impostor.name), impostor);
    expect(() => openCheckpoint(forged, verifier)).toThrow(NoteVerificationError);
    const otherOrigin = signNote(`other.example/log\n3\n${Buffer.from(tree.root()).toString('base64')}\n`, [signer]);
    expect(() => openCheckpoint(otherOrigin, verifier)).toThrow(/origin/);
    expect(() => signCheckpoint({ origin: 'x', size: 0, rootHash: tree.root(0), extensions: [] }, signer)).toThrow();
  });

  it('guard: only a tree that extends the last checkpoint gets a next checkpoint', () => {
    const tree = treeOf(4);
    const first = nextCheckpoint(tree, undefined, signer.name);
    const longer = treeOf(9);
    expect(nextCheckpoint(longer, first, signer.name).size).toBe(9);
    expect(() => nextCheckpoint(treeOf(3), first, signer.name)).toThrow(/shrank/);
    expect(() => nextCheckpoint(treeOf(9, 'fork'), first, signer.name)).toThrow(/signed root/);
    expect(() => nextCheckpoint(longer, first, 'other')).toThrow(/another log/);
  });
});
