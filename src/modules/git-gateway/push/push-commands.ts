/**
 * @module git-gateway/push/push-commands — reads the command list at the start of a receive-pack request
 * (gitprotocol-pack "Reference Update Request and Packfile Transfer"): optional `shallow` lines, then
 * `old new ref` lines (capabilities after a NUL on the first), a flush, push options when negotiated and a
 * flush, then the pack. Reads the spooled body from disk, so only the command list is ever in memory.
 */
import { createReadStream } from 'node:fs';
import { ValidationError } from '../../../core/errors.ts';
import { createPktLineReader, PktLineError, type PktLine } from '../protocol/pkt-line.ts';
import { refNameProblem } from './ref-rules.ts';

export interface PushCommand {
  oldOid: string;
  newOid: string;
  ref: string;
}

export interface PushRequestHead {
  commands: PushCommand[];
  capabilities: string[];
  pushOptions: string[];
  /** Commits the (shallow) client says are its grafts. */
  shallow: string[];
  /** Where the pack starts in the body; equal to the body's size when there is none. */
  packOffset: number;
}

/** More ref updates than this in one push is not a developer's push. */
export const MAX_COMMANDS = 10_000;
const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ZERO = /^0+$/;

export const isZeroOid = (oid: string): boolean => ZERO.test(oid);

const invalid = (message: string) => new ValidationError(`malformed push request: ${message}`, [{ path: 'body', message }]);

/** Parses one command line (without its newline and capabilities). */
function parseCommand(text: string, index: number): PushCommand {
  const [oldOid = '', newOid = '', ref = '', ...rest] = text.split(' ');
  if (rest.length > 0 || ref === '' || !OID.test(oldOid) || !OID.test(newOid) || oldOid.length !== newOid.length) {
    throw invalid(`command ${index + 1} is not "<old-oid> <new-oid> <ref>"`);
  }
  if (isZeroOid(oldOid) && isZeroOid(newOid)) throw invalid(`command ${index + 1} has two zero object ids`);
  const problem = refNameProblem(ref);
  if (problem) throw invalid(`ref ${JSON.stringify(ref.slice(0, 100))} ${problem}`);
  return { oldOid, newOid, ref };
}

/** Text of a data line without its trailing newline; the protocol's lines are ASCII, anything else is refused. */
function lineText(pkt: PktLine & { type: 'data' }): string {
  const text = pkt.payload.toString('latin1');
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/**
 * Reads the command list (and push options) of the receive-pack request spooled at `file`.
 * Throws ValidationError for anything git's receive-pack would refuse as a protocol error.
 * A body of only a flush (`0000`: git's probe before a large chunked push) has no commands and no pack.
 * @example const head = await readPushRequestHead('/tmp/push-1/body'); head.commands[0].ref // 'refs/heads/main'
 */
export async function readPushRequestHead(file: string): Promise<PushRequestHead> {
  const reader = createPktLineReader();
  const head: PushRequestHead = { commands: [], capabilities: [], pushOptions: [], shallow: [], packOffset: 0 };
  let phase: 'commands' | 'options' | 'done' = 'commands';
  let pushed = 0;
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      reader.push(chunk);
      pushed += chunk.length;
      for (const pkt of reader) {
        phase = accept(head, phase, pkt);
        if (phase === 'done') break;
      }
      if (phase === 'done') break;
    }
  } catch (err) {
    if (err instanceof PktLineError) throw invalid(err.message);
    throw err;
  } finally {
    stream.destroy();
  }
  if (phase !== 'done') {
    throw invalid(pushed === 0 ? 'the body is empty' : phase === 'commands' ? 'the command list ends without a flush' : 'the push options end without a flush');
  }
  head.packOffset = pushed - reader.buffered;
  return head;
}

/** One packet of the command list or the push options; returns the next phase. */
function accept(head: PushRequestHead, phase: 'commands' | 'options', pkt: PktLine): 'commands' | 'options' | 'done' {
  if (pkt.type === 'delim' || pkt.type === 'response-end') throw invalid(`unexpected ${pkt.type} packet in a receive-pack request`);
  if (phase === 'options') {
    if (pkt.type === 'flush') return 'done';
    if (head.pushOptions.length >= 100) throw invalid('more than 100 push options');
    head.pushOptions.push(lineText(pkt));
    return 'options';
  }
  if (pkt.type === 'flush') {
    const wantsOptions = head.commands.length > 0 && head.capabilities.includes('push-options');
    return wantsOptions ? 'options' : 'done';
  }
  let text = lineText(pkt);
  if (head.commands.length === 0 && text.startsWith('shallow ')) {
    const oid = text.slice(8);
    if (!OID.test(oid)) throw invalid('a shallow line does not name an object id');
    if (head.shallow.length >= MAX_COMMANDS) throw invalid(`more than ${MAX_COMMANDS} shallow lines`);
    head.shallow.push(oid);
    return 'commands';
  }
  if (text.startsWith('push-cert')) throw invalid('signed pushes (push certificates) are not supported');
  if (head.commands.length === 0) {
    const nul = text.indexOf('\0');
    if (nul !== -1) {
      head.capabilities = text.slice(nul + 1).split(' ').filter((c) => c !== '');
      text = text.slice(0, nul);
    }
  } else if (text.includes('\0')) {
    throw invalid('capabilities after the first command');
  }
  if (head.commands.length >= MAX_COMMANDS) throw invalid(`more than ${MAX_COMMANDS} ref updates in one push`);
  head.commands.push(parseCommand(text, head.commands.length));
  return 'commands';
}
