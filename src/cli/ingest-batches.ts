/**
 * @module cli/ingest-batches — cutting a log or NDJSON stream into requests. Bytes are passed on
 * untouched (the server hashes each sshd line as sent). An sshd log is cut only where the timestamp
 * changes, so that identical lines of one second always travel together and the server can tell a
 * repeat (two lines) from a re-send (the same line again) — see docs/ingestion.md.
 */

export interface Batch {
  /** 1-based line of the input where the batch starts. */
  firstLine: number;
  lines: Buffer[];
  bytes: number;
}

export interface BatchLimits {
  /** Cut at the next allowed place once a batch has this many lines or bytes. */
  targetLines: number;
  targetBytes: number;
  /** Never exceed these, even inside one second (the server's limits). */
  maxLines: number;
  maxBytes: number;
}

export const SSHD_LIMITS: BatchLimits = { targetLines: 2000, targetBytes: 1024 * 1024, maxLines: 20_000, maxBytes: 3 * 1024 * 1024 };
export const JSON_LIMITS: BatchLimits = { targetLines: 1000, targetBytes: 1024 * 1024, maxLines: 5000, maxBytes: 3 * 1024 * 1024 };

/**
 * The timestamp a log line starts with, as bytes: up to the first space for ISO 8601 stamps, the
 * first 15 bytes (`Mar  2 10:00:01`) for classic syslog stamps.
 * @example stampKey(Buffer.from('Mar  2 10:00:01 web-1 sshd[1]: …')) // 'Mar  2 10:00:01'
 */
export function stampKey(line: Buffer): string {
  const first = line[0];
  if (first !== undefined && first >= 0x30 && first <= 0x39) {
    const sp = line.indexOf(0x20);
    return line.subarray(0, sp < 0 ? line.length : sp).toString('latin1');
  }
  return line.subarray(0, 15).toString('latin1');
}

/**
 * Split a byte stream into lines (each without its "\n"), keeping a last line without one.
 * @example for await (const line of splitLines(process.stdin)) …
 */
export async function* splitLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of input) {
    const data = rest.length > 0 ? Buffer.concat([rest, Buffer.from(chunk)]) : Buffer.from(chunk);
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      yield data.subarray(start, nl);
      start = nl + 1;
    }
    rest = Buffer.from(data.subarray(start));
  }
  if (rest.length > 0) yield rest;
}

/**
 * Group lines into batches. With `keyOf`, a batch past its target is cut only between lines with
 * different keys (for sshd: different timestamps); `onForcedCut` is called when a run of one key
 * reaches the maximum and has to be cut anyway.
 * @example for await (const b of batches(splitLines(stdin), SSHD_LIMITS, stampKey)) send(b);
 */
export async function* batches(
  lines: AsyncIterable<Buffer>,
  limits: BatchLimits,
  keyOf?: (line: Buffer) => string,
  onForcedCut?: (line: number) => void,
): AsyncGenerator<Batch> {
  let batch: Batch = { firstLine: 1, lines: [], bytes: 0 };
  let lineNo = 0;
  let lastKey: string | null = null;
  for await (const line of lines) {
    lineNo += 1;
    const key = keyOf ? keyOf(line) : null;
    const size = line.length + 1;
    const pastTarget = batch.lines.length >= limits.targetLines || batch.bytes + size > limits.targetBytes;
    const atMax = batch.lines.length >= limits.maxLines || batch.bytes + size > limits.maxBytes;
    const mayCut = key === null || key !== lastKey;
    if (batch.lines.length > 0 && ((pastTarget && mayCut) || atMax)) {
      if (atMax && !mayCut) onForcedCut?.(lineNo);
      yield batch;
      batch = { firstLine: lineNo, lines: [], bytes: 0 };
    }
    batch.lines.push(line);
    batch.bytes += size;
    lastKey = key;
  }
  if (batch.lines.length > 0) yield batch;
}

/** The body of a batch: its lines joined with "\n", ending in "\n". */
export function bodyOf(batch: Batch): Buffer {
  return Buffer.concat(batch.lines.flatMap((l) => [l, Buffer.from('\n')]));
}
