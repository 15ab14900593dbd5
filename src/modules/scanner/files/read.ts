/**
 * @module scanner/files/read — reads one file for scanning with as few system calls as possible: open,
 * fstat, read, close. Binary files are recognised from their first 8000 bytes without reading the rest,
 * and files over the size limit are not read at all.
 *
 * Synchronous on purpose: a tree scan reads thousands of small, usually cached files one after another,
 * and each promise-based call is a round trip through libuv's thread pool. Measured on node_modules, the
 * promise-based reads left the scanning thread idle for more than half of the wall-clock time. A server
 * must not scan folders on its request thread; uploads and pushes do not come through here.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { looksBinary, SNIFF_BYTES } from './binary.ts';

export type ReadOutcome =
  | { readonly kind: 'text'; readonly content: Buffer }
  | { readonly kind: 'binary' }
  | { readonly kind: 'large'; readonly size: number };

/**
 * The file's bytes when it is text and at most `maxBytes` long.
 * @example readForScan('/repo/src/app.ts', 25 * 1024 * 1024) // { kind: 'text', content: <Buffer …> }
 */
export function readForScan(path: string, maxBytes: number): ReadOutcome {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) return { kind: 'large', size };
    const content = Buffer.allocUnsafe(size);
    const head = Math.min(size, SNIFF_BYTES);
    let filled = readFully(fd, content, 0, head);
    if (looksBinary(content.subarray(0, filled))) return { kind: 'binary' };
    if (filled === head && size > head) filled += readFully(fd, content, head, size - head);
    // The file may have shrunk since fstat; never hand out the uninitialised tail.
    return { kind: 'text', content: filled === size ? content : content.subarray(0, filled) };
  } finally {
    closeSync(fd);
  }
}

/** Reads up to `length` bytes at `offset` (file position = buffer position), stopping at end of file. */
function readFully(fd: number, into: Buffer, offset: number, length: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, offset + done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
