/** @module audit/tlog/signed-note.test — the C2SP example note verifies; tampering, wrong keys and malformed notes fail. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSignerKey, parseVerifierKey } from './note-key.ts';
import { NoteVerificationError, openNote, parseNote, signNote } from './signed-note.ts';

const FIXTURES = join(import.meta.dirname, '../../../../test/fixtures/tlog/signed-note');
const NOTE = readFileSync(join(FIXTURES, 'spec-example.note'), 'utf8');
const VKEY = parseVerifierKey(readFileSync(join(FIXTURES, 'spec-example.vkey'), 'utf8').trim());

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof NoteVerificationError) return err.reason;
    throw err;
  }
  return undefined;
}

describe('C2SP spec example', () => {
  it('verifies under the example key', () => {
    const opened = openNote(NOTE, [VKEY]);
    expect(opened.text).toBe('This is an example message.\n');
    expect(opened.verifiedBy.map((k) => k.name)).toEqual(['example.com/foo']);
    expect(openNote(new TextEncoder().encode(NOTE), [VKEY]).text).toBe(opened.text);
  });

  it('fails when the text is tampered with', () => {
    expect(reasonOf(() => openNote(NOTE.replace('example message', 'exemplary message'), [VKEY]))).toBe('bad-signature');
  });

  it('fails under another key, even one with the same name', () => {
    const other = generateSignerKey('example.com/foo');
    expect(reasonOf(() => openNote(NOTE, [other]))).toBe('unknown-key');
    expect(reasonOf(() => openNote(NOTE, []))).toBe('unknown-key');
  });

  it('fails when the signature is truncated or altered', () => {
    const [text, sigLine] = NOTE.split('\n\n') as [string, string];
    const b64 = sigLine.trim().split(' ')[2] as string;
    const raw = Buffer.from(b64, 'base64');
    const truncated = raw.subarray(0, raw.length - 1).toString('base64');
    expect(reasonOf(() => openNote(`${text}\n\n— example.com/foo ${truncated}\n`, [VKEY]))).toBe('bad-signature');
    const flipped = Buffer.from(raw);
    flipped[20] = (flipped[20] as number) ^ 0x10;
    expect(reasonOf(() => openNote(`${text}\n\n— example.com/foo ${flipped.toString('base64')}\n`, [VKEY]))).toBe(
      'bad-signature',
    );
    expect(reasonOf(() => openNote(`${text}\n\n— example.com/foo ${b64.slice(0, 4)}\n`, [VKEY]))).toBe('malformed');
  });

  it('ignores signatures from unknown keys next to a good one', () => {
    const stranger = generateSignerKey('stranger.example/log');
    const foreign = signNote('This is an example message.\n', [stranger]).split('\n\n')[1] as string;
    expect(openNote(NOTE + foreign, [VKEY]).verifiedBy).toHaveLength(1);
  });
});

describe('note syntax', () => {
  const signer = generateSignerKey('audit.example/log');
  const good = signNote('line one\n\nline three\n', [signer]);

  it('round-trips any valid text through sign and open', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const text = `${s.replace(/[\u0000-\u001f]/g, '')}\n`;
        expect(openNote(signNote(text, [signer]), [signer]).text).toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  it('splits text from signatures at the last blank line', () => {
    expect(parseNote(good).text).toBe('line one\n\nline three\n');
  });

  it.each([
    ['no blank line', good.replace('\n\n—', '\n—')],
    ['no final newline', good.slice(0, -1)],
    ['a control character', good.replace('one', 'o\u0007ne')],
    ['carriage returns', good.replace('line one\n', 'line one\r\n')],
    ['a hyphen instead of an em dash', good.replace('—', '-')],
    ['two spaces', good.replace('— ', '—  ')],
    ['a blank signature line', `${good}\n`],
    ['a key name with a plus', good.replace('audit.example/log ', 'audit+example/log ')],
    ['non-canonical base64', good.replace(/=\n$/, '\n')],
    ['an empty signature block', 'text\n\n'],
  ])('refuses a note with %s', (_what, note) => {
    expect(reasonOf(() => parseNote(note))).toBe('malformed');
  });

  it('refuses invalid UTF-8 and oversized input', () => {
    expect(reasonOf(() => parseNote(Uint8Array.of(0x61, 0xff, 0x0a, 0x0a)))).toBe('malformed');
    expect(reasonOf(() => parseNote('x'.repeat((1 << 20) + 1)))).toBe('malformed');
  });

  it('refuses to sign text that could not be parsed back', () => {
    expect(() => signNote('no newline', [signer])).toThrow();
    expect(() => signNote('tab\there\n', [signer])).toThrow();
    expect(() => signNote('ok\n', [])).toThrow();
  });
});
