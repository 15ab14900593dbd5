/** @module audit/tlog/signed-note — C2SP signed notes (c2sp.org/signed-note): parse, sign, open with Ed25519 verifier keys. */
import { ValidationError } from '../../../core/errors.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { ed25519Sign, ed25519Verify } from './ed25519.ts';
import { isValidKeyName, type SignerKey, type VerifierKey } from './note-key.ts';

/** One signature line: `— <key name> base64(key ID || signature)`. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  readonly signature: Uint8Array;
}

/** A syntactically valid note whose signatures have not been checked. Do not trust `text`. */
export interface ParsedNote {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** A note with at least one verified signature from a known key, and none failing. */
export interface OpenedNote {
  readonly text: string;
  readonly verifiedBy: readonly VerifierKey[];
}

/** Why a note was refused. */
export type NoteFailure = 'malformed' | 'unknown-key' | 'bad-signature';

/** A note that must not be trusted; `reason` says why. */
export class NoteVerificationError extends ValidationError {
  constructor(
    readonly reason: NoteFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Signature lines beyond this are refused (the spec asks to accept at least 16). */
export const MAX_SIGNATURES = 100;
/** Notes beyond this size are refused. */
export const MAX_NOTE_BYTES = 1 << 20;

const SIG_PREFIX = '\u2014 '; // em dash, space
const FORBIDDEN_CONTROL = /[\u0000-\u0009\u000b-\u001f]/; // every C0 control but newline
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(message: string): NoteVerificationError {
  return new NoteVerificationError('malformed', `malformed note: ${message}`);
}

function toText(msg: string | Uint8Array): string {
  if (msg instanceof Uint8Array) {
    if (msg.length > MAX_NOTE_BYTES) throw malformed('too large');
    try {
      return strictUtf8.decode(msg);
    } catch {
      throw malformed('not valid UTF-8');
    }
  }
  if (typeof msg !== 'string') throw malformed('not a string');
  if (LONE_SURROGATE.test(msg)) throw malformed('not valid UTF-8');
  if (msg.length > MAX_NOTE_BYTES) throw malformed('too large');
  return msg;
}

function checkText(text: string): void {
  if (FORBIDDEN_CONTROL.test(text)) throw malformed('contains a control character other than newline');
}

/**
 * Parses a signed note (c2sp.org/signed-note, "Format"): the text ends in newline, then a blank
 * line, then one or more `— name base64` lines each ending in newline; the text is split from the
 * signatures at the last blank line. Throws {@link NoteVerificationError} ('malformed').
 *
 * @example
 * parseNote('hello\n\n— example.com/foo AAAAAQ...=\n').text // 'hello\n'
 */
export function parseNote(msg: string | Uint8Array): ParsedNote {
  const all = toText(msg);
  checkText(all);
  const split = all.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = all.slice(0, split + 1);
  const block = all.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw malformed('signature block must end in newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line, i): NoteSignature => {
    if (!line.startsWith(SIG_PREFIX)) throw malformed(`signature line ${i + 1} does not start with "— "`);
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const sig = space < 0 ? undefined : decodeBase64(rest.slice(space + 1));
    if (!isValidKeyName(name)) throw malformed(`signature line ${i + 1} has an invalid key name`);
    if (sig === undefined || sig.length < 5) throw malformed(`signature line ${i + 1} has an invalid signature`);
    const keyId = ((sig[0] as number) * 2 ** 24) + (((sig[1] as number) << 16) | ((sig[2] as number) << 8) | (sig[3] as number));
    return { name, keyId, signature: sig.slice(4) };
  });
  return { text, signatures };
}

/**
 * Signs `text` (which must end in newline and hold no control characters but newline) with
 * each signer, returning the whole note.
 *
 * @example
 * signNote('example.com/log\n5\nTju7...=\n', [signer])
 */
export function signNote(text: string, signers: readonly SignerKey[]): string {
  const t = toText(text);
  checkText(t);
  if (!t.endsWith('\n')) throw new ValidationError('note text must end in newline');
  if (!Array.isArray(signers) || signers.length === 0) throw new ValidationError('at least one signer is needed');
  const message = utf8.encode(t);
  const lines = signers.map((s) => {
    const sig = ed25519Sign(s.privateKeyObject, message);
    const idBytes = Uint8Array.of(s.keyId >>> 24, (s.keyId >>> 16) & 0xff, (s.keyId >>> 8) & 0xff, s.keyId & 0xff);
    return `${SIG_PREFIX}${s.name} ${encodeBase64(Uint8Array.of(...idBytes, ...sig))}\n`;
  });
  return `${t}\n${lines.join('')}`;
}

/**
 * Parses a note and verifies it against the known keys (c2sp.org/signed-note, "Signatures"):
 * lines from unknown keys (name and key ID not both matching) are ignored; a known key's
 * signature that fails rejects the whole note; at least one must verify.
 *
 * @example
 * const { text } = openNote(noteText, [parseVerifierKey(vkey)]);
 */
export function openNote(msg: string | Uint8Array, verifiers: readonly VerifierKey[]): OpenedNote {
  const note = parseNote(msg);
  const message = utf8.encode(note.text);
  const verifiedBy: VerifierKey[] = [];
  for (const sig of note.signatures) {
    const key = verifiers.find((v) => v.name === sig.name && v.keyId === sig.keyId);
    if (key === undefined) continue;
    if (!ed25519Verify(key.keyObject, message, sig.signature)) {
      throw new NoteVerificationError('bad-signature', `signature by ${key.name} does not verify`);
    }
    if (!verifiedBy.includes(key)) verifiedBy.push(key);
  }
  if (verifiedBy.length === 0) throw new NoteVerificationError('unknown-key', 'no signature from a known key');
  return { text: note.text, verifiedBy };
}
