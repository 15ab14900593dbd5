/** @module audit/tlog/verify-bundle.test — a clean bundle verifies; each kind of damage is detected and named precisely. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE_FILES } from './bundle.ts';
import type { BundleReport } from './bundle-report.ts';
import { signCheckpoint } from './checkpoint-note.ts';
import { encodeEntryText } from './entry.ts';
import { hashLeaf } from './merkle-hash.ts';
import { MemoryTree } from './memory-tree.ts';
import { formatVerifierKey, generateSignerKey } from './note-key.ts';
import { buildSampleLog, sampleEntry, writeSampleBundle } from './log-fixture.test-support.ts';
import { verifyBundle } from './verify-bundle.ts';

const N = 40;
const log = buildSampleLog(N, [10, 25, 40]);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function bundle(): Promise<string> {
  const dir = await writeSampleBundle(log);
  dirs.push(dir);
  return dir;
}

const eventsPath = (dir: string): string => join(dir, BUNDLE_FILES.events);
function readLines(dir: string): string[] {
  return readFileSync(eventsPath(dir), 'utf8').split('\n').slice(0, -1);
}
function writeLines(dir: string, lines: string[]): void {
  writeFileSync(eventsPath(dir), lines.map((l) => `${l}\n`).join(''));
}
const kinds = (r: BundleReport): string[] => [...new Set(r.problems.map((p) => p.kind))].sort();

describe('verifyBundle', () => {
  it('passes a clean bundle and says what it proved', async () => {
    const dir = await bundle();
    const report = await verifyBundle(dir, { verifierKey: log.verifierKey });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.eventCount).toBe(N);
    expect(report.verifiedSize).toBe(N);
    expect(report.verifierKeyPinned).toBe(true);
    expect(report.checkpoints.map((c) => [c.size, c.status])).toEqual([
      [10, 'verified'],
      [25, 'verified'],
      [40, 'verified'],
    ]);
    expect(report.warnings).toEqual([]);
    expect((await verifyBundle(dir, { verifierKey: log.verifierKey, strict: true })).problems).toEqual([]);
  });

  it('names a modified event by index and line', async () => {
    const dir = await bundle();
    const lines = readLines(dir);
    lines[17] = encodeEntryText({ ...sampleEntry(17), outcome: 'success', details: { bytes: 0 } });
    writeLines(dir, lines);
    const report = await verifyBundle(dir);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual(['modified-event']);
    expect(report.problems[0]).toMatchObject({ kind: 'modified-event', index: 17, line: 18 });
    expect(report.verifiedSize).toBe(10);
    expect(report.checkpoints.map((c) => c.status)).toEqual(['verified', 'root-mismatch', 'root-mismatch']);
  });

  it('names a modified event that no longer is canonical JSON', async () => {
    const dir = await bundle();
    const lines = readLines(dir);
    lines[3] = (lines[3] as string).replace('"outcome":"success"', '"outcome": "success"').replace('"outcome":"denied"', '"outcome": "denied"');
    writeLines(dir, lines);
    const report = await verifyBundle(dir);
    expect(kinds(report)).toEqual(['malformed-event']);
    expect(report.problems[0]).toMatchObject({ kind: 'malformed-event', line: 4 });
  });

  it('names a removed event', async () => {
    const dir = await bundle();
    const lines = readLines(dir);
    lines.splice(12, 1);
    writeLines(dir, lines);
    const report = await verifyBundle(dir);
    expect(kinds(report)).toEqual(['manifest-mismatch', 'removed-events']);
    expect(report.problems.find((p) => p.kind === 'removed-events')).toMatchObject({ fromIndex: 12, toIndex: 13 });
  });

  it('names reordered events, exactly the ones moved', async () => {
    const dir = await bundle();
    const lines = readLines(dir);
    [lines[5], lines[30]] = [lines[30] as string, lines[5] as string];
    writeLines(dir, lines);
    const report = await verifyBundle(dir);
    expect(kinds(report)).toEqual(['reordered-event']);
    expect(report.problems.map((p) => (p.kind === 'reordered-event' ? [p.index, p.line] : []))).toEqual([
      [30, 6],
      [5, 31],
    ]);
  });

  it('names a truncated log', async () => {
    const dir = await bundle();
    writeLines(dir, readLines(dir).slice(0, 33));
    const report = await verifyBundle(dir);
    expect(kinds(report)).toEqual(['manifest-mismatch', 'truncated-log']);
    expect(report.problems.find((p) => p.kind === 'truncated-log')).toMatchObject({ eventCount: 33, checkpointSize: 40 });
    expect(report.verifiedSize).toBe(25);
    expect(report.checkpoints.map((c) => c.status)).toEqual(['verified', 'verified', 'beyond-events']);
  });

  it('detects a truncation hidden by deleting the newest checkpoint, given a checkpoint saved earlier', async () => {
    const dir = await bundle();
    writeLines(dir, readLines(dir).slice(0, 25));
    rmSync(join(dir, 'checkpoints/40.note'));
    writeFileSync(join(dir, BUNDLE_FILES.manifest), readFileSync(join(dir, BUNDLE_FILES.manifest), 'utf8').replace('"treeSize": 40', '"treeSize": 25'));
    expect((await verifyBundle(dir)).ok).toBe(true); // nothing in the bundle can tell
    const report = await verifyBundle(dir, { checkpoints: [log.checkpoints.get(40) as string] });
    expect(kinds(report)).toEqual(['truncated-log']);
  });

  it('names a forged checkpoint: altered text, or signed by another key', async () => {
    const dir = await bundle();
    const path = join(dir, 'checkpoints/25.note');
    const note = readFileSync(path, 'utf8');
    const [, , root] = note.split('\n');
    const otherRoot = Buffer.from(log.tree.root(24)).toString('base64');
    writeFileSync(path, note.replace(root as string, otherRoot));
    const impostor = generateSignerKey(log.signer.name);
    writeFileSync(join(dir, 'checkpoints/10.note'), signCheckpoint({ origin: impostor.name, size: 10, rootHash: log.tree.root(10), extensions: [] }, impostor));
    const report = await verifyBundle(dir);
    expect(kinds(report)).toEqual(['forged-checkpoint']);
    expect(report.problems.map((p) => (p.kind === 'forged-checkpoint' ? p.checkpoint : ''))).toEqual([
      'checkpoints/10.note',
      'checkpoints/25.note',
    ]);
    expect(report.verifiedSize).toBe(40);
  });

  it('names inconsistent checkpoints: the log key signed a forked history', async () => {
    const dir = await bundle();
    const fork = new MemoryTree();
    for (let i = 0; i < 25; i++) fork.append(hashLeaf(Uint8Array.of(i)));
    const forked = signCheckpoint({ origin: log.signer.name, size: 25, rootHash: fork.root(), extensions: [] }, log.signer);
    writeFileSync(join(dir, 'checkpoints/25.note'), forked);
    const report = await verifyBundle(dir);
    expect(kinds(report)).toEqual(['inconsistent-checkpoints']);
    expect(report.problems[0]).toMatchObject({ checkpoints: ['checkpoints/25.note', 'checkpoints/40.note'], sizes: [25, 40] });
    // The same fork given from outside, against an intact bundle.
    const clean = await bundle();
    const fromOutside = await verifyBundle(clean, { checkpoints: [forked] });
    expect(fromOutside.problems).toMatchObject([{ kind: 'inconsistent-checkpoints', checkpoints: ['given #1', 'checkpoints/40.note'] }]);
    // Two signed roots for one size, with no data to tell which is right: both named.
    const noData = await bundle();
    rmSync(join(noData, BUNDLE_FILES.events));
    writeFileSync(join(noData, BUNDLE_FILES.events), '');
    rmSync(join(noData, BUNDLE_FILES.leafHashes));
    const sameSize = await verifyBundle(noData, { checkpoints: [forked] });
    expect(sameSize.problems.filter((p) => p.kind === 'inconsistent-checkpoints')).toMatchObject([
      { checkpoints: ['checkpoints/25.note', 'given #1'], sizes: [25, 25] },
    ]);
  });

  it('still locates the damage when the leaf hashes were recomputed to match', async () => {
    const dir = await bundle();
    const lines = readLines(dir);
    lines[30] = encodeEntryText({ ...sampleEntry(30), type: 'nothing.happened' });
    writeLines(dir, lines);
    writeFileSync(join(dir, BUNDLE_FILES.leafHashes), Buffer.concat(lines.map((l) => hashLeaf(Buffer.from(l)))));
    const report = await verifyBundle(dir);
    expect(kinds(report)).toEqual(['root-mismatch']);
    expect(report.problems[0]).toMatchObject({ checkpoint: 'checkpoints/40.note', firstUnverifiedIndex: 25 });
  });

  it('refuses a bundle re-signed with another key when the key is pinned', async () => {
    const dir = await bundle();
    const impostor = generateSignerKey(log.signer.name);
    writeFileSync(join(dir, BUNDLE_FILES.verifierKey), `${formatVerifierKey(impostor)}\n`);
    for (const size of [10, 25, 40]) {
      writeFileSync(join(dir, `checkpoints/${size}.note`), signCheckpoint({ origin: impostor.name, size, rootHash: log.tree.root(size), extensions: [] }, impostor));
    }
    expect((await verifyBundle(dir)).ok).toBe(true); // self-consistent, hence the key must be pinned
    const report = await verifyBundle(dir, { verifierKey: log.verifierKey });
    expect(kinds(report)).toEqual(['forged-checkpoint', 'no-valid-checkpoint', 'verifier-key-mismatch']);
  });

  it('names duplicated and unsigned events', async () => {
    const dir = await bundle();
    const lines = readLines(dir);
    lines.splice(8, 0, lines[7] as string);
    lines.push(encodeEntryText(sampleEntry(40)));
    writeLines(dir, lines);
    const report = await verifyBundle(dir);
    expect(report.problems.filter((p) => p.kind !== 'manifest-mismatch')).toMatchObject([
      { kind: 'duplicated-event', index: 7, line: 9 },
      { kind: 'unsigned-events', firstLine: 42, count: 1 },
    ]);
  });

  it('reports a missing or garbage bundle without throwing', async () => {
    const dir = await bundle();
    rmSync(eventsPath(dir));
    writeFileSync(join(dir, BUNDLE_FILES.manifest), '{');
    writeFileSync(join(dir, 'checkpoints/10.note'), 'garbage');
    const report = await verifyBundle(dir);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual(['malformed-bundle', 'malformed-checkpoint']);
  });
});
