/**
 * @module scanner/files/read — reads files for scanning with as few system calls and allocations as
 * possible: open, fstat, read, close, into one buffer reused from file to file. Binary files are
 * recognised from their first 8000 bytes without reading the rest; files over the size limit are not read.
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

/** Reads files one after another; the content of a read is valid only until the next read. */
export interface FileReader {
  read(path: string): ReadOutcome;
}

/**
 * A reader for files of at most `maxBytes`. Reusing one buffer instead of allocating one per file
 * spares the garbage collector most of its work on a large tree.
 * @example const reader = createFileReader(25 * 1024 * 1024); const r = reader.read('/repo/src/app.ts');
 */
export function createFileReader(maxBytes: number): FileReader {
  let scratch = Buffer.allocUnsafe(64 * 1024);
  return {
    read(path) {
      const fd = openSync(path, 'r');
      try {
        const size = fstatSync(fd).size;
        if (size > maxBytes) return { kind: 'large', size };
        if (size > scratch.length) scratch = Buffer.allocUnsafe(Math.min(Math.max(size, scratch.length * 2), maxBytes));
        const head = Math.min(size, SNIFF_BYTES);
        let filled = readFully(fd, scratch, 0, head);
        if (looksBinary(scratch.subarray(0, filled))) return { kind: 'binary' };
        if (filled === head && size > head) filled += readFully(fd, scratch, head, size - head);
        // The file may have shrunk since fstat: only what was read is content.
        return { kind: 'text', content: scratch.subarray(0, filled) };
      } finally {
        closeSync(fd);
      }
    },
  };
}

/**
 * The file's bytes (a fresh buffer) when it is text and at most `maxBytes` long.
 * @example readForScan('/repo/src/app.ts', 25 * 1024 * 1024) // { kind: 'text', content: <Buffer …> }
 */
export function readForScan(path: string, maxBytes: number): ReadOutcome {
  const read = createFileReader(maxBytes).read(path);
  return read.kind === 'text' ? { kind: 'text', content: Buffer.from(read.content) } : read;
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
