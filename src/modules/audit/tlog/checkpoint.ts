/** @module audit/tlog/checkpoint — the C2SP tlog-checkpoint note text (c2sp.org/tlog-checkpoint, "Note text"). */
import { ValidationError } from '../../../core/errors.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { HASH_SIZE, isHash } from './merkle-hash.ts';

/** A log's signed statement of its tree at one size. */
export interface Checkpoint {
  /** Unique identity of the log (and, for Palisade, its signing key name). */
  readonly origin: string;
  /** Number of leaves. */
  readonly size: number;
  /** RFC 6962 Merkle Tree Hash at `size`. */
  readonly rootHash: Uint8Array;
  /** Opaque extension lines (none written by Palisade). */
  readonly extensions: readonly string[];
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const CONTROL = /[\u0000-\u001f]/;

function invalid(message: string): ValidationError {
  return new ValidationError(`invalid checkpoint: ${message}`);
}

/**
 * Parses a checkpoint body: origin, decimal size without leading zeros, base64 root hash
 * (32 bytes, SHA-256), then optional non-empty extension lines; every line ends in newline.
 *
 * @example
 * parseCheckpoint('example.com/log\n5\nTju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ=\n').size // 5
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw invalid('text must end in newline');
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw invalid('control character');
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin === undefined || sizeText === undefined || rootText === undefined) throw invalid('fewer than three lines');
  if (origin.length === 0) throw invalid('empty origin');
  if (!DECIMAL.test(sizeText)) throw invalid('tree size must be decimal without leading zeros');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw invalid('tree size too large');
  const rootHash = decodeBase64(rootText);
  if (rootHash === undefined || rootHash.length !== HASH_SIZE) throw invalid('root hash must be base64 of 32 bytes');
  if (extensions.some((line) => line.length === 0)) throw invalid('empty extension line');
  return { origin, size, rootHash, extensions };
}

/**
 * Formats a checkpoint body (the text that gets signed).
 *
 * @example
 * formatCheckpoint({ origin: 'example.com/log', size: 5, rootHash, extensions: [] })
 * // 'example.com/log\n5\nTju7...=\n'
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions } = checkpoint;
  if (typeof origin !== 'string' || origin.length === 0 || CONTROL.test(origin)) throw invalid('bad origin');
  if (!Number.isSafeInteger(size) || size < 0) throw invalid('bad tree size');
  if (!isHash(rootHash)) throw invalid('root hash must be 32 bytes');
  if (!Array.isArray(extensions) || extensions.some((l) => typeof l !== 'string' || l.length === 0 || CONTROL.test(l))) {
    throw invalid('bad extension line');
  }
  return [origin, String(size), encodeBase64(rootHash), ...extensions].map((l) => `${l}\n`).join('');
}
