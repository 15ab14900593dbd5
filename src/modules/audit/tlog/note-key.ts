/** @module audit/tlog/note-key — C2SP signed-note Ed25519 keys: names, key IDs, verifier and signer key strings. */
import { createHash, type KeyObject } from 'node:crypto';
import { ValidationError } from '../../../core/errors.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { ED25519_KEY_SIZE, ed25519PrivateKey, ed25519PublicKey, ed25519PublicKeyObject, generateEd25519Seed } from './ed25519.ts';

/** Signature type byte of plain Ed25519 signatures (c2sp.org/signed-note, "Signature types"). */
export const SIG_TYPE_ED25519 = 0x01;

/** A key that can verify note signatures: `name+hexkeyid+base64(0x01 || public key)`. */
export interface VerifierKey {
  readonly name: string;
  /** uint32 key ID. */
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  /** Ready-to-use node:crypto key. */
  readonly keyObject: KeyObject;
}

/** A key that can sign notes: `PRIVATE+KEY+name+hexkeyid+base64(0x01 || seed)`. Never log it. */
export interface SignerKey extends VerifierKey {
  readonly seed: Uint8Array;
  readonly privateKeyObject: KeyObject;
}

// Unicode White_Space as Go's unicode.IsSpace sees it (JS \s lacks U+0085 and has U+FEFF; both out).
const SPACE = /[\s\u0085]/u;
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * True for a valid key name: non-empty, well-formed, no Unicode spaces and no `+`
 * (c2sp.org/signed-note, "Format"); control characters are refused too, as no note may hold them.
 *
 * @example
 * isValidKeyName('audit.example.com/log') // true
 * isValidKeyName('a b') // false
 */
export function isValidKeyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= 256 &&
    !name.includes('+') &&
    !SPACE.test(name) &&
    !CONTROL.test(name) &&
    !LONE_SURROGATE.test(name)
  );
}

/**
 * key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4] as big-endian uint32
 * (c2sp.org/signed-note, "Ed25519 signatures").
 *
 * @example
 * keyIdOf('example.com/foo', publicKey) // 0x530d903a for the spec example key
 */
export function keyIdOf(name: string, publicKey: Uint8Array): number {
  if (!isValidKeyName(name)) throw new ValidationError(`invalid key name ${JSON.stringify(name)}`);
  const digest = createHash('sha256')
    .update(name, 'utf8')
    .update(Uint8Array.of(0x0a, SIG_TYPE_ED25519))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

const hex8 = (id: number): string => id.toString(16).padStart(8, '0');

// Splits `name+hex+base64`; the name has no '+' and hex has none, the base64 part may.
function splitKey(text: string): [string, string, string] | undefined {
  const a = text.indexOf('+');
  const b = text.indexOf('+', a + 1);
  if (a < 0 || b < 0) return undefined;
  return [text.slice(0, a), text.slice(a + 1, b), text.slice(b + 1)];
}

function parseKeyParts(text: string, what: string): { name: string; keyId: number; raw: Uint8Array } {
  const parts = typeof text === 'string' ? splitKey(text) : undefined;
  if (parts === undefined) throw new ValidationError(`${what}: expected name+keyid+key`);
  const [name, idHex, b64] = parts;
  if (!isValidKeyName(name)) throw new ValidationError(`${what}: invalid key name`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new ValidationError(`${what}: key ID must be 8 lowercase hex digits`);
  const raw = decodeBase64(b64);
  if (raw === undefined) throw new ValidationError(`${what}: key is not canonical base64`);
  if (raw.length !== 1 + ED25519_KEY_SIZE || raw[0] !== SIG_TYPE_ED25519) {
    throw new ValidationError(`${what}: only Ed25519 keys (type 0x01, 32 bytes) are supported`);
  }
  return { name, keyId: Number.parseInt(idHex, 16), raw: raw.slice(1) };
}

/**
 * Parses a verifier key string and checks that its key ID matches its name and key.
 *
 * @example
 * parseVerifierKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')
 */
export function parseVerifierKey(text: string): VerifierKey {
  const { name, keyId, raw } = parseKeyParts(text, 'verifier key');
  if (keyIdOf(name, raw) !== keyId) throw new ValidationError('verifier key: key ID does not match name and key');
  return { name, keyId, publicKey: raw, keyObject: ed25519PublicKeyObject(raw) };
}

/**
 * Formats `name+hexkeyid+base64(0x01 || public key)`.
 *
 * @example
 * formatVerifierKey(signer) // 'audit.example.com/log+1a2b3c4d+AT...'
 */
export function formatVerifierKey(key: Pick<VerifierKey, 'name' | 'publicKey'>): string {
  const id = keyIdOf(key.name, key.publicKey);
  return `${key.name}+${hex8(id)}+${encodeBase64(Uint8Array.of(SIG_TYPE_ED25519, ...key.publicKey))}`;
}

/**
 * Builds a signer key from a name and a 32-byte seed.
 *
 * @example
 * const signer = signerKeyFromSeed('audit.example.com/log', seed);
 */
export function signerKeyFromSeed(name: string, seed: Uint8Array): SignerKey {
  const publicKey = ed25519PublicKey(seed);
  return {
    name,
    keyId: keyIdOf(name, publicKey),
    publicKey,
    keyObject: ed25519PublicKeyObject(publicKey),
    seed: Uint8Array.from(seed),
    privateKeyObject: ed25519PrivateKey(seed),
  };
}

/**
 * A new signer key with a fresh random seed.
 *
 * @example
 * const signer = generateSignerKey('audit.example.com/log');
 * formatVerifierKey(signer);
 */
export function generateSignerKey(name: string): SignerKey {
  if (!isValidKeyName(name)) throw new ValidationError(`invalid key name ${JSON.stringify(name)}`);
  return signerKeyFromSeed(name, generateEd25519Seed());
}

const PRIVATE_PREFIX = 'PRIVATE+KEY+';

/**
 * Parses `PRIVATE+KEY+name+hexkeyid+base64(0x01 || seed)` and checks the key ID.
 *
 * @example
 * parseSignerKey('PRIVATE+KEY+Test-Betty+df84580a+Afge8kCzBXU7jb3cV2Q363oNXCufJ6u9mjOY1BGRY9E2')
 */
export function parseSignerKey(text: string): SignerKey {
  if (typeof text !== 'string' || !text.startsWith(PRIVATE_PREFIX)) {
    throw new ValidationError('signer key: expected PRIVATE+KEY+name+keyid+key');
  }
  const { name, keyId, raw } = parseKeyParts(text.slice(PRIVATE_PREFIX.length), 'signer key');
  const signer = signerKeyFromSeed(name, raw);
  if (signer.keyId !== keyId) throw new ValidationError('signer key: key ID does not match name and key');
  return signer;
}

/**
 * Formats a signer key string. The result is secret: store it encrypted, never log it.
 *
 * @example
 * formatSignerKey(generateSignerKey('audit.example.com/log')) // 'PRIVATE+KEY+audit.example.com/log+...'
 */
export function formatSignerKey(key: SignerKey): string {
  return `${PRIVATE_PREFIX}${key.name}+${hex8(key.keyId)}+${encodeBase64(Uint8Array.of(SIG_TYPE_ED25519, ...key.seed))}`;
}
