/** @module git-gateway/protocol/pkt-line — git's pkt-line framing (gitprotocol-common "pkt-line Format"), encode and incremental decode. */

/** Largest pkt-line git sends or accepts, length prefix included (LARGE_PACKET_MAX in git's pkt-line.h). */
export const MAX_PKT_LINE_LENGTH = 65520;
/** Largest payload of one data pkt-line (65520 minus the 4-byte length). */
export const MAX_PKT_PAYLOAD = MAX_PKT_LINE_LENGTH - 4;

/** `0000`: ends a message (flush-pkt). */
export const FLUSH_PKT = Buffer.from('0000');
/** `0001`: separates sections in protocol v2 (delim-pkt). */
export const DELIM_PKT = '0001';
/** `0002`: ends a stateless-connection response in protocol v2 (response-end-pkt). */
export const RESPONSE_END_PKT = '0002';

export type PktLine = { type: 'data'; payload: Buffer } | { type: 'flush' } | { type: 'delim' } | { type: 'response-end' };

/** Malformed pkt-line input: a bad length prefix, an oversized line, or a stream that ends inside a line. */
export class PktLineError extends Error {
  override readonly name = 'PktLineError';
}

/**
 * Frames `data` as one pkt-line: four lowercase hex digits giving the total length (prefix included), then the bytes.
 * Strings are encoded as UTF-8; the caller adds a trailing `\n` where the protocol wants one.
 * @example encodePktLine('want 1234\n').toString() // '000ewant 1234\n'
 */
export function encodePktLine(data: string | Uint8Array): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (payload.length > MAX_PKT_PAYLOAD) {
    throw new PktLineError(`pkt-line payload of ${payload.length} bytes exceeds the maximum of ${MAX_PKT_PAYLOAD}`);
  }
  const header = Buffer.from((payload.length + 4).toString(16).padStart(4, '0'), 'ascii');
  return Buffer.concat([header, payload]);
}

/**
 * Frames `data` as one side-band pkt-line: the first payload byte names the band
 * (1 = pack data, 2 = progress shown as `remote:` lines, 3 = fatal error message).
 * @example encodeSideBand(2, 'checking\n').toString() // '000e\x02checking\n'
 */
export function encodeSideBand(band: 1 | 2 | 3, data: string | Uint8Array): Buffer {
  if (band !== 1 && band !== 2 && band !== 3) throw new PktLineError(`side-band ${String(band)} is not 1, 2 or 3`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return encodePktLine(Buffer.concat([Buffer.from([band]), bytes]));
}

/** An incremental pkt-line decoder: feed it chunks with `push`, iterate it for every complete packet so far. */
export interface PktLineReader extends Iterable<PktLine> {
  /** Appends bytes as they arrive from the network (any chunking). */
  push(chunk: Uint8Array): void;
  /** Bytes received but not yet returned as packets (an incomplete line, or data after where iteration stopped). */
  remainder(): Buffer;
  /** Number of buffered bytes not yet consumed. */
  readonly buffered: number;
  /** Throws a PktLineError if the input ended inside a packet. Call once the stream has ended. */
  end(): void;
}

const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * Creates an incremental pkt-line reader. Iteration yields the complete packets buffered so far and stops at an
 * incomplete one; it may be resumed after further `push` calls. Breaking out of a loop leaves the unread
 * packets buffered (see `remainder()`, e.g. for the pack that follows the command list of a push).
 * Throws PktLineError on a non-hex length, the reserved length 0003, or a length above 65520.
 * @example
 * const reader = createPktLineReader();
 * reader.push(Buffer.from('0009done\n0000'));
 * [...reader] // [{ type: 'data', payload: <'done\n'> }, { type: 'flush' }]
 */
export function createPktLineReader(): PktLineReader {
  let buf: Buffer = Buffer.alloc(0);
  let offset = 0;

  /** Returns the next complete packet, or null when more bytes are needed. */
  function next(): PktLine | null {
    if (buf.length - offset < 4) return null;
    const head = buf.toString('latin1', offset, offset + 4);
    if (!HEX4.test(head)) {
      throw new PktLineError(`bad pkt-line length prefix ${JSON.stringify(head)} (expected four hex digits)`);
    }
    const length = parseInt(head, 16);
    if (length === 0) {
      offset += 4;
      return { type: 'flush' };
    }
    if (length === 1) {
      offset += 4;
      return { type: 'delim' };
    }
    if (length === 2) {
      offset += 4;
      return { type: 'response-end' };
    }
    if (length === 3) throw new PktLineError('bad pkt-line length 0003 (reserved)');
    if (length > MAX_PKT_LINE_LENGTH) {
      throw new PktLineError(`pkt-line of ${length} bytes exceeds the maximum of ${MAX_PKT_LINE_LENGTH}`);
    }
    if (buf.length - offset < length) return null;
    // Copy so the payload stays valid after the internal buffer is compacted.
    const payload = Buffer.from(buf.subarray(offset + 4, offset + length));
    offset += length;
    return { type: 'data', payload };
  }

  return {
    push(chunk: Uint8Array): void {
      const rest = buf.subarray(offset);
      const incoming = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      buf = rest.length === 0 ? Buffer.from(incoming) : Buffer.concat([rest, incoming]);
      offset = 0;
    },
    remainder(): Buffer {
      return Buffer.from(buf.subarray(offset));
    },
    get buffered(): number {
      return buf.length - offset;
    },
    end(): void {
      if (buf.length - offset > 0) {
        throw new PktLineError(`input ended inside a pkt-line (${buf.length - offset} bytes left over)`);
      }
    },
    *[Symbol.iterator](): Iterator<PktLine> {
      for (let pkt = next(); pkt !== null; pkt = next()) yield pkt;
    },
  };
}

/**
 * Decodes a complete buffer of pkt-lines (e.g. a small request body) and rejects trailing partial data.
 * @example parsePktLines(Buffer.from('0000')) // [{ type: 'flush' }]
 */
export function parsePktLines(data: Uint8Array): PktLine[] {
  const reader = createPktLineReader();
  reader.push(data);
  const lines = [...reader];
  reader.end();
  return lines;
}

/**
 * A data packet's payload as text without its trailing newline (git's convention for command lines).
 * @example pktText({ type: 'data', payload: Buffer.from('done\n') }) // 'done'
 */
export function pktText(pkt: PktLine): string | null {
  if (pkt.type !== 'data') return null;
  const text = pkt.payload.toString('utf8');
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
