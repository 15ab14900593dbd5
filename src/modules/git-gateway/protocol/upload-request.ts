/**
 * @module git-gateway/protocol/upload-request — reads an upload-pack request body (protocol v0 negotiation or a
 * v2 command) to tell a clone from a fetch: a request that wants objects and names none it already has (no
 * `have` lines) is a clone (gitprotocol-pack "Packfile Negotiation", gitprotocol-v2 "fetch").
 */
import { parsePktLines, pktText, PktLineError } from './pkt-line.ts';

export interface UploadRequest {
  protocol: 'v0' | 'v2';
  /** v2: the command (`fetch`, `ls-refs`, `object-info` …); v0: always `fetch`. */
  command: string;
  wants: number;
  haves: number;
  /** `deepen`, `deepen-since` or `deepen-not` was asked (a shallow clone or fetch). */
  shallow: boolean;
  /** The `filter` spec of a partial clone, e.g. `blob:none`. */
  filter: string | null;
}

/** What the event calls this request. */
export type UploadKind = 'clone' | 'fetch' | 'ls-refs' | 'other';

/** A request that cannot be upload-pack input; its message is safe to show to the client. */
export class UploadRequestError extends Error {}

const COMMAND = /^command=([a-z-]{1,40})$/;

/**
 * Parses a complete (already decompressed) upload-pack request body.
 * @example parseUploadRequest(Buffer.from('0032want 0123…\n00000009done\n')) // { protocol: 'v0', wants: 1, haves: 0, … }
 */
export function parseUploadRequest(body: Uint8Array): UploadRequest {
  let lines;
  try {
    lines = parsePktLines(body);
  } catch (err) {
    if (err instanceof PktLineError) throw new UploadRequestError(`malformed upload-pack request: ${err.message}`);
    throw err;
  }
  const first = lines[0] ? pktText(lines[0]) : null;
  const v2 = first !== null && first.startsWith('command=');
  const req: UploadRequest = { protocol: v2 ? 'v2' : 'v0', command: 'fetch', wants: 0, haves: 0, shallow: false, filter: null };
  if (v2) {
    const m = COMMAND.exec(first!);
    if (!m) throw new UploadRequestError('malformed upload-pack request: bad command line');
    req.command = m[1]!;
  } else if (lines.length === 0) {
    throw new UploadRequestError('malformed upload-pack request: empty body');
  }
  for (const pkt of lines) {
    const text = pktText(pkt);
    if (text === null) continue;
    if (text.startsWith('want ')) req.wants += 1;
    else if (text.startsWith('have ')) req.haves += 1;
    else if (/^deepen(-since|-not)? /.test(text)) req.shallow = true;
    else if (text.startsWith('filter ')) req.filter = text.slice(7, 207);
  }
  return req;
}

/**
 * Clone, fetch, ref listing or another v2 command.
 * @example uploadKind({ protocol: 'v2', command: 'fetch', wants: 3, haves: 0, shallow: false, filter: null }) // 'clone'
 */
export function uploadKind(req: UploadRequest): UploadKind {
  if (req.command === 'ls-refs') return 'ls-refs';
  if (req.command !== 'fetch') return 'other';
  return req.haves === 0 ? 'clone' : 'fetch';
}
