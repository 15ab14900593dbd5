/** @module scanner/files/binary — tells binary content from text the way git does: a NUL byte in the first 8000 bytes. */

export const SNIFF_BYTES = 8000;

/**
 * True when the buffer looks binary (images, archives, compiled code), which the scanner skips.
 * @example looksBinary(Buffer.from('hello')) // false
 */
export function looksBinary(content: Uint8Array): boolean {
  const end = Math.min(content.length, SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (content[i] === 0) return true;
  return false;
}
