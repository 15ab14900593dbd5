/** @module audit/tlog/bundle — the offline export bundle: layout, manifest, and writer (docs/audit-log-format.md, "Bundle"). */
import { closeSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../../core/errors.ts';
import { openCheckpoint } from './checkpoint-note.ts';
import { encodeEntry, type AuditLogEntry } from './entry.ts';
import { hashLeaf, isHash } from './merkle-hash.ts';
import { parseVerifierKey } from './note-key.ts';

/** File and folder names inside a bundle directory. */
export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  verifierKey: 'verifier.key',
  events: 'events.jsonl',
  leafHashes: 'leaf-hashes.bin',
  checkpoints: 'checkpoints',
} as const;

/** `format` value of a version 1 manifest. */
export const BUNDLE_FORMAT = 'palisade-audit-bundle/v1';

/** manifest.json: a table of contents. Not signed — the verifier trusts nothing in it. */
export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  /** The log origin (= verifier key name). */
  readonly origin: string;
  /** Number of events in events.jsonl (= the size of the latest checkpoint). */
  readonly treeSize: number;
  /** Checkpoint files, relative paths, by increasing tree size. */
  readonly checkpoints: readonly string[];
  /** When the export was written (ISO 8601). */
  readonly createdAt: string;
}

/** What the exporter hands over. */
export interface BundleInput {
  /** The log's verifier key string `name+keyid+base64`. */
  readonly verifierKey: string;
  /** Entries in leaf-index order, starting at 0. */
  readonly entries: Iterable<AuditLogEntry> | AsyncIterable<AuditLogEntry>;
  /**
   * The leaf hashes as the log's tree store holds them, in index order. Defaults to hashing the
   * entries. Passing the store's own copy lets the verifier pinpoint altered events.
   */
  readonly leafHashes?: Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
  /** Signed checkpoint notes; the largest must cover exactly the exported entries. */
  readonly checkpoints: readonly string[];
  /** Clock for `createdAt` (tests). */
  readonly now?: () => Date;
}

/** Buffered appends to one file: one write per MiB instead of one per event. */
class FileSink {
  readonly #fd: number;
  #parts: Uint8Array[] = [];
  #pending = 0;
  constructor(path: string) {
    this.#fd = openSync(path, 'wx');
  }
  write(bytes: Uint8Array): void {
    this.#parts.push(bytes);
    this.#pending += bytes.length;
    if (this.#pending >= 1 << 20) this.flush();
  }
  flush(): void {
    if (this.#pending === 0) return;
    writeSync(this.#fd, Buffer.concat(this.#parts));
    this.#parts = [];
    this.#pending = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

const NEWLINE = Uint8Array.of(0x0a);
const utf8 = new TextEncoder();

function iteratorOf<T>(source: Iterable<T> | AsyncIterable<T> | undefined): Iterator<T> | AsyncIterator<T> | undefined {
  if (source === undefined) return undefined;
  return Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
}

/** The checkpoint file name for a tree size: `checkpoints/<size>.note`. */
export function checkpointFileName(size: number): string {
  return `${BUNDLE_FILES.checkpoints}/${size}.note`;
}

/**
 * Writes a bundle into `dir` (created; must not already contain a bundle). Validates as it goes:
 * consecutive indices from 0, every checkpoint signed by the verifier key, and the latest
 * checkpoint covering exactly the entries written.
 *
 * @example
 * await writeBundle('/tmp/export', { verifierKey, entries, checkpoints: [noteAt1000, noteAt2000] });
 */
export async function writeBundle(dir: string, input: BundleInput): Promise<BundleManifest> {
  const key = parseVerifierKey(input.verifierKey);
  const checkpoints = input.checkpoints.map((note) => ({ note, checkpoint: openCheckpoint(note, key) }));
  checkpoints.sort((a, b) => a.checkpoint.size - b.checkpoint.size);
  const latest = checkpoints[checkpoints.length - 1];
  if (latest === undefined) throw new ValidationError('a bundle needs at least one checkpoint');
  for (let i = 1; i < checkpoints.length; i++) {
    if (checkpoints[i]?.checkpoint.size === checkpoints[i - 1]?.checkpoint.size) {
      throw new ValidationError('two checkpoints of the same size');
    }
  }

  mkdirSync(join(dir, BUNDLE_FILES.checkpoints), { recursive: true });
  if (readdirSync(join(dir, BUNDLE_FILES.checkpoints)).length > 0) throw new ValidationError('bundle directory is not empty');
  const events = new FileSink(join(dir, BUNDLE_FILES.events));
  const leaves = new FileSink(join(dir, BUNDLE_FILES.leafHashes));
  const recorded = iteratorOf(input.leafHashes);
  let count = 0;
  try {
    for await (const entry of input.entries) {
      if (entry.index !== count) throw new ValidationError(`entry ${count} has index ${entry.index}`);
      const bytes = encodeEntry(entry);
      events.write(bytes);
      events.write(NEWLINE);
      let leaf: Uint8Array;
      if (recorded === undefined) {
        leaf = hashLeaf(bytes);
      } else {
        const next = await recorded.next();
        if (next.done === true || !isHash(next.value)) throw new ValidationError(`no recorded leaf hash for entry ${count}`);
        leaf = next.value;
      }
      leaves.write(leaf);
      count++;
    }
  } finally {
    events.close();
    leaves.close();
  }
  if (count !== latest.checkpoint.size) {
    throw new ValidationError(`${count} entries exported but the latest checkpoint has size ${latest.checkpoint.size}`);
  }

  const files: string[] = [];
  for (const { note, checkpoint } of checkpoints) {
    const name = checkpointFileName(checkpoint.size);
    const sink = new FileSink(join(dir, name));
    sink.write(utf8.encode(note));
    sink.close();
    files.push(name);
  }
  const keySink = new FileSink(join(dir, BUNDLE_FILES.verifierKey));
  keySink.write(utf8.encode(`${input.verifierKey}\n`));
  keySink.close();
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    origin: key.name,
    treeSize: count,
    checkpoints: files,
    createdAt: (input.now ?? (() => new Date()))().toISOString(),
  };
  const manifestSink = new FileSink(join(dir, BUNDLE_FILES.manifest));
  manifestSink.write(utf8.encode(`${JSON.stringify(manifest, null, 2)}\n`));
  manifestSink.close();
  return manifest;
}
