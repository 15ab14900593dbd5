/** @module audit/tlog/base64 — strict standard base64 (RFC 4648 §4), as signed notes and checkpoints require. */

// Node's Buffer.from(s, 'base64') accepts URL-safe letters, missing padding, whitespace and
// garbage after the data. A signature line or root hash must have exactly one spelling, so
// decoding checks the alphabet and padding, then that re-encoding gives the same string
// (which also rejects non-zero bits in the final padding group).
const STRICT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes canonical standard base64 with padding; `undefined` for anything else.
 *
 * @example
 * decodeBase64('AQI=') // Uint8Array [1, 2]
 * decodeBase64('AQJ=') // undefined (non-canonical padding bits)
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || !STRICT.test(text)) return undefined;
  const buf = Buffer.from(text, 'base64');
  if (buf.toString('base64') !== text) return undefined;
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Encodes bytes as standard base64 with padding.
 *
 * @example
 * encodeBase64(Uint8Array.of(1, 2)) // 'AQI='
 */
export function encodeBase64(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('encodeBase64: bytes must be a Uint8Array');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
