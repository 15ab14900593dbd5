/** @module audit/tlog/bundle-diagnose — second pass when a bundle does not verify: which events were modified, removed, reordered or duplicated. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FILES } from './bundle.ts';
import type { ProblemList } from './bundle-report.ts';
import { scanBundle } from './bundle-scan.ts';
import { HASH_SIZE, hashesEqual } from './merkle-hash.ts';

/** What the diagnosis may rely on. */
export interface DiagnosisInput {
  readonly dir: string;
  /** Size of the largest validly signed checkpoint, and its name. */
  readonly signedSize: number;
  readonly signedCheckpoint: string;
  /**
   * Recorded leaf hashes `[0, authenticatedRecorded)` reproduce a signed root, so by collision
   * resistance they are the log's real leaves: an event whose hash differs was modified.
   */
  readonly authenticatedRecorded: number;
}

/**
 * Re-reads the events and reports event-level damage into `problems`; returns the lowest leaf
 * index affected (or Infinity), so the caller can tell which root mismatches are explained.
 *
 * How each kind is recognised (every entry carries its own leaf index, see entry.ts):
 * - modified: the event's hash differs from the authenticated recorded hash at its index;
 * - removed: an index below the highest one present never appears;
 * - truncated: indices from the highest one present up to the signed size never appear;
 * - reordered: the i-th event (in file order) does not carry the i-th smallest index;
 * - duplicated: an index appears twice; unsigned: an index at or beyond the signed size.
 *
 * @example
 * const first = await diagnoseEvents({ dir, signedSize: 2000, signedCheckpoint: 'checkpoints/2000.note', authenticatedRecorded: 2000 }, problems);
 */
export async function diagnoseEvents(input: DiagnosisInput, problems: ProblemList): Promise<{ firstAffected: number; malformed: { line: number; message: string }[]; malformedCount: number }> {
  const { dir, signedSize, authenticatedRecorded } = input;
  const recorded = authenticatedRecorded > 0 ? readFileSync(join(dir, BUNDLE_FILES.leafHashes)) : undefined;
  const seen = new Uint8Array(signedSize);
  const order: number[] = []; // claimed indices (< signedSize, first occurrences), in file order
  const orderLines: number[] = [];
  let firstAffected = Infinity;
  let maxSeen = -1;
  let unsignedCount = 0;
  let firstUnsignedLine = 0;
  const malformedLines: number[] = [];
  const affect = (i: number): void => {
    if (i < firstAffected) firstAffected = i;
  };

  const scan = await scanBundle(dir, [], { strict: true, visit: (line, claimed, leaf) => {
    const lineNo = line + 1;
    if (claimed === undefined) {
      affect(line);
      malformedLines.push(line);
      return; // reported as malformed by the first pass
    }
    if (claimed >= signedSize) {
      if (unsignedCount++ === 0) firstUnsignedLine = lineNo;
      return;
    }
    if (recorded !== undefined && claimed < authenticatedRecorded) {
      const expected = recorded.subarray(claimed * HASH_SIZE, (claimed + 1) * HASH_SIZE);
      if (!hashesEqual(expected, leaf)) {
        affect(claimed);
        problems.add({ kind: 'modified-event', index: claimed, line: lineNo, message: `event ${claimed} (line ${lineNo}) was modified: its hash is not the one the signed tree holds` });
      }
    }
    if (seen[claimed] === 1) {
      affect(Math.min(claimed, line));
      problems.add({ kind: 'duplicated-event', index: claimed, line: lineNo, message: `event ${claimed} appears again at line ${lineNo}` });
      return;
    }
    seen[claimed] = 1;
    if (claimed > maxSeen) maxSeen = claimed;
    order.push(claimed);
    orderLines.push(lineNo);
  } });

  // An unreadable line most plausibly is the event of its own position: not also "removed".
  for (const line of malformedLines) {
    if (line < signedSize && seen[line] !== 1) {
      seen[line] = 1;
      if (line > maxSeen) maxSeen = line;
    }
  }

  // Missing indices: inside the range present = removed; after it = the log was cut short.
  for (let i = 0; i <= maxSeen; i++) {
    if (seen[i] === 1) continue;
    let j = i;
    while (j <= maxSeen && seen[j] !== 1) j++;
    affect(i);
    problems.add({
      kind: 'removed-events',
      fromIndex: i,
      toIndex: j,
      message: j - i === 1 ? `event ${i} was removed` : `events ${i} to ${j - 1} were removed`,
    });
    i = j;
  }
  if (maxSeen + 1 < signedSize) {
    affect(maxSeen + 1);
    problems.add({
      kind: 'truncated-log',
      eventCount: scan.eventCount,
      checkpointSize: signedSize,
      checkpoint: input.signedCheckpoint,
      message: `the log is truncated: events ${maxSeen + 1} to ${signedSize - 1} are missing but ${input.signedCheckpoint} covers ${signedSize} events`,
    });
  }

  // Reordering: compare file order with sorted order.
  const sorted = Float64Array.from(order).sort();
  for (let i = 0; i < order.length; i++) {
    const claimed = order[i] as number;
    if (claimed === sorted[i]) continue;
    const lineNo = orderLines[i] as number;
    affect(Math.min(claimed, sorted[i] as number));
    problems.add({ kind: 'reordered-event', index: claimed, line: lineNo, message: `event ${claimed} is out of order (at line ${lineNo})` });
  }

  if (unsignedCount > 0) {
    problems.add({
      kind: 'unsigned-events',
      firstLine: firstUnsignedLine,
      count: unsignedCount,
      message: `${unsignedCount} event(s) from line ${firstUnsignedLine} are beyond the latest signed checkpoint (${signedSize})`,
    });
  }
  return { firstAffected, malformed: [...scan.malformed], malformedCount: scan.malformedCount };
}
