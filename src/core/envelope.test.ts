import { createHash, webcrypto } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeError, MIN_SEALED_SIZE, masterKeyId, openEnvelope, sealEnvelope, sealedKeyId } from './envelope.ts';

const masterKey = new Uint8Array(32).map((_, i) => i);
/** Deterministic "randomness": 0x40, 0x41, … so the vector below is reproducible. */
function counter(start = 0x40) {
  let c = start;
  return (n: number) => new Uint8Array(n).map(() => c++ & 0xff);
}
const utf8 = new TextEncoder();

// Known answer: master key 00..1f, data key 40..5f, nonces 60..6b and 6c..77, purpose 'palisade:test'.
const VECTOR =
  '01a0ef12c004954cc0606162636465666768696a6baa9ad916ff05c528345fb3603ec08f0c7624dbdad031648efbf8da3720afa95725c23fabbf8923682b7b5b22' +
  'a3f92e306c6d6e6f707172737475767700418da90b6d687e9ac9c95e1957b99096d031ba32b7aabf57aff3b836725b4984da48';

describe('envelope encryption', () => {
  it('produces the known-answer vector and opens it again', () => {
    const sealed = sealEnvelope(masterKey, utf8.encode('PRIVATE+KEY+example'), 'palisade:test', counter());
    expect(Buffer.from(sealed).toString('hex')).toBe(VECTOR);
    expect(new TextDecoder().decode(openEnvelope(masterKey, Buffer.from(VECTOR, 'hex'), 'palisade:test'))).toBe('PRIVATE+KEY+example');
  });

  it('is the documented layout, as an independent AES-GCM implementation (WebCrypto) reads it', async () => {
    const sealed = Buffer.from(VECTOR, 'hex');
    const header = sealed.subarray(0, 9);
    expect(header[0]).toBe(1);
    const expectedId = createHash('sha256').update('palisade master key id\0').update(masterKey).digest().subarray(0, 8);
    expect(header.subarray(1)).toEqual(expectedId);
    const open = async (key: Uint8Array, part: Uint8Array, layer: string) => {
      const k = await webcrypto.subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt']);
      const additionalData = Buffer.concat([Buffer.from(`palisade envelope v1 ${layer} palisade:test\0`), header]);
      return new Uint8Array(await webcrypto.subtle.decrypt({ name: 'AES-GCM', iv: part.subarray(0, 12), additionalData }, k, part.subarray(12)));
    };
    const dataKey = await open(masterKey, sealed.subarray(9, 9 + 60), 'data-key');
    expect(Buffer.from(dataKey).toString('hex')).toBe(Buffer.from(counter()(32)).toString('hex'));
    const plaintext = await open(dataKey, sealed.subarray(69), 'data');
    expect(new TextDecoder().decode(plaintext)).toBe('PRIVATE+KEY+example');
  });

  it('round-trips any bytes under any purpose, with a fresh data key and nonces each time', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.stringMatching(/^[\x21-\x7e]{1,40}$/), (plaintext, purpose) => {
        const a = sealEnvelope(masterKey, plaintext, purpose);
        const b = sealEnvelope(masterKey, plaintext, purpose);
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
        expect(a.length).toBe(MIN_SEALED_SIZE + plaintext.length);
        expect(openEnvelope(masterKey, a, purpose)).toEqual(plaintext);
      }),
      { numRuns: Number(process.env.PALISADE_FUZZ_RUNS ?? 200) },
    );
  });

  it('refuses every altered byte as damaged', () => {
    const sealed = Buffer.from(VECTOR, 'hex');
    for (let i = 0; i < sealed.length; i++) {
      const bad = Buffer.from(sealed);
      bad[i]! ^= 0x01;
      let reason: string | undefined;
      try {
        openEnvelope(masterKey, bad, 'palisade:test');
      } catch (err) {
        reason = (err as EnvelopeError).reason;
      }
      // Byte 0 is the version, bytes 1-8 name the master key: those read as malformed / another key.
      expect(reason, `byte ${i}`).toBe(i === 0 ? 'malformed' : i < 9 ? 'wrong-key' : 'damaged');
    }
  });

  it('binds the purpose: a value sealed for one thing does not open as another', () => {
    const sealed = sealEnvelope(masterKey, utf8.encode('seed'), 'palisade:audit-log-signing-key:a');
    expect(() => openEnvelope(masterKey, sealed, 'palisade:audit-log-signing-key:b')).toThrow(/another purpose/);
  });

  it('names the master key it needs, and says so when given another one', () => {
    const other = new Uint8Array(32).fill(7);
    const sealed = sealEnvelope(masterKey, utf8.encode('x'), 'p');
    expect(sealedKeyId(sealed)).toBe(masterKeyId(masterKey));
    expect(() => openEnvelope(other, sealed, 'p')).toThrow(new RegExp(`sealed under master key ${masterKeyId(masterKey)}, not under ${masterKeyId(other)}`));
  });

  it('refuses malformed input and bad keys or purposes up front', () => {
    expect(() => openEnvelope(masterKey, new Uint8Array(10), 'p')).toThrow(EnvelopeError);
    expect(sealedKeyId(new Uint8Array(MIN_SEALED_SIZE))).toBeUndefined();
    expect(() => sealEnvelope(new Uint8Array(16), new Uint8Array(1), 'p')).toThrow(/32 bytes/);
    expect(() => sealEnvelope(masterKey, new Uint8Array(1), 'has space')).toThrow(/purpose/);
    expect(() => sealEnvelope(masterKey, new Uint8Array(1), '')).toThrow(/purpose/);
  });
});
