/** @module git-gateway/protocol/upload-request.test — clone or fetch, v0 and v2, from the request's pkt-lines. */
import { describe, expect, it } from 'vitest';
import { DELIM_PKT, encodePktLine, FLUSH_PKT } from './pkt-line.ts';
import { parseUploadRequest, uploadKind, UploadRequestError } from './upload-request.ts';

const oid = 'a'.repeat(40);
const body = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? encodePktLine(p) : p)));

describe('parseUploadRequest', () => {
  it('calls a v0 request without have lines a clone, and notes depth', () => {
    const req = parseUploadRequest(body(`want ${oid} multi_ack side-band-64k\n`, `deepen 1\n`, FLUSH_PKT, 'done\n'));
    expect(req).toMatchObject({ protocol: 'v0', command: 'fetch', wants: 1, haves: 0, shallow: true });
    expect(uploadKind(req)).toBe('clone');
  });

  it('calls a v2 fetch with have lines a fetch, and reads the filter', () => {
    const req = parseUploadRequest(body('command=fetch\n', 'agent=git/2.39\n', Buffer.from(DELIM_PKT), `want ${oid}\n`, `have ${'b'.repeat(40)}\n`, 'filter blob:none\n', 'done\n', FLUSH_PKT));
    expect(req).toMatchObject({ protocol: 'v2', wants: 1, haves: 1, filter: 'blob:none' });
    expect(uploadKind(req)).toBe('fetch');
    expect(uploadKind(parseUploadRequest(body('command=ls-refs\n', FLUSH_PKT)))).toBe('ls-refs');
    expect(uploadKind(parseUploadRequest(body('command=object-info\n', FLUSH_PKT)))).toBe('other');
  });

  it('refuses broken framing, a truncated body, an empty body and a bad command line', () => {
    for (const bad of [Buffer.from('zzzz'), Buffer.from('0032want'), Buffer.alloc(0), body('command=FETCH!\n', FLUSH_PKT)]) {
      expect(() => parseUploadRequest(bad)).toThrow(UploadRequestError);
    }
  });
});
