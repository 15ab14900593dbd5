/**
 * @module core/envelope — envelope encryption at rest: a fresh AES-256-GCM data key per secret,
 * itself encrypted (wrapped) with AES-256-GCM under a master key; a purpose string is bound to
 * both layers as associated data, so a sealed secret cannot be opened as something else.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Bytes of a master key and of a data key (AES-256). */
export const KEY_SIZE = 32;
const NONCE_SIZE = 12; // NIST SP 800-38D §8.2: 96-bit IVs
const TAG_SIZE = 16;
const VERSION = 0x01;
const KEY_ID_SIZE = 8;
/** version || master key id: authenticated by both layers. */
const HEADER_SIZE = 1 + KEY_ID_SIZE;
const WRAPPED_SIZE = NONCE_SIZE + KEY_SIZE + TAG_SIZE;
/** Smallest sealed value: header, wrapped data key, data nonce and tag around an empty plaintext. */
export const MIN_SEALED_SIZE = HEADER_SIZE + WRAPPED_SIZE + NONCE_SIZE + TAG_SIZE;
const PURPOSE = /^[\x21-\x7e]{1,200}$/;

/** Why a sealed value could not be opened. Never sent to clients: it is a startup/operator error. */
export type EnvelopeFailure = 'malformed' | 'wrong-key' | 'damaged';

/** Opening failed; `reason` says why (a wrong purpose is indistinguishable from damage, by design). */
export class EnvelopeError extends Error {
  constructor(
    readonly reason: EnvelopeFailure,
    message: string,
  ) {
    super(message);
  }
}

function assertKey(key: Uint8Array, what: string): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_SIZE) throw new TypeError(`${what} must be ${KEY_SIZE} bytes`);
}

function assertPurpose(purpose: string): void {
  if (typeof purpose !== 'string' || !PURPOSE.test(purpose)) throw new TypeError('purpose must be 1-200 printable ASCII characters without spaces');
}

/**
 * A short public identifier of a master key (16 hex digits), for messages such as "sealed under
 * key X, this server has key Y". A one-way hash with a domain label: it reveals nothing usable.
 * @example masterKeyId(new Uint8Array(32)) // '…16 hex digits…'
 */
export function masterKeyId(masterKey: Uint8Array): string {
  assertKey(masterKey, 'master key');
  return createHash('sha256').update('palisade master key id\0').update(masterKey).digest().subarray(0, KEY_ID_SIZE).toString('hex');
}

/** The associated data of one layer: its label, the purpose, and the header bytes. */
function aad(layer: 'data-key' | 'data', purpose: string, header: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`palisade envelope v1 ${layer} ${purpose}\0`, 'latin1'), header]);
}

function gcmSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, associated: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_SIZE });
  cipher.setAAD(associated);
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Opens `nonce || ciphertext || tag`; undefined when the tag does not verify. */
function gcmOpen(key: Uint8Array, sealed: Uint8Array, associated: Uint8Array): Buffer | undefined {
  const nonce = sealed.subarray(0, NONCE_SIZE);
  const tag = sealed.subarray(sealed.length - TAG_SIZE);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_SIZE });
  decipher.setAAD(associated);
  decipher.setAuthTag(tag);
  const body = decipher.update(sealed.subarray(NONCE_SIZE, sealed.length - TAG_SIZE));
  try {
    return Buffer.concat([body, decipher.final()]);
  } catch {
    return undefined;
  }
}

/**
 * Encrypt `plaintext` for storage. Layout (all lengths fixed except the ciphertext):
 * `0x01 || masterKeyId (8) || nonce (12) || wrapped data key (32) || tag (16) || nonce (12) || ciphertext || tag (16)`.
 * `random` is replaceable only so that tests can pin known-answer vectors.
 * @example const sealed = sealEnvelope(masterKey, seed, 'palisade:audit-log-signing-key');
 */
export function sealEnvelope(
  masterKey: Uint8Array,
  plaintext: Uint8Array,
  purpose: string,
  random: (n: number) => Uint8Array = randomBytes,
): Uint8Array {
  assertKey(masterKey, 'master key');
  assertPurpose(purpose);
  if (!(plaintext instanceof Uint8Array)) throw new TypeError('plaintext must be bytes');
  const header = Buffer.concat([Uint8Array.of(VERSION), Buffer.from(masterKeyId(masterKey), 'hex')]);
  const dataKey = random(KEY_SIZE);
  assertKey(dataKey, 'data key');
  const wrapped = gcmSeal(masterKey, random(NONCE_SIZE), dataKey, aad('data-key', purpose, header));
  const data = gcmSeal(dataKey, random(NONCE_SIZE), plaintext, aad('data', purpose, header));
  dataKey.fill(0);
  return new Uint8Array(Buffer.concat([header, wrapped, data]));
}

/**
 * The master key id a sealed value names (to say which key is needed), or undefined if malformed.
 * @example sealedKeyId(sealed) === masterKeyId(masterKey)
 */
export function sealedKeyId(sealed: Uint8Array): string | undefined {
  if (!(sealed instanceof Uint8Array) || sealed.length < MIN_SEALED_SIZE || sealed[0] !== VERSION) return undefined;
  return Buffer.from(sealed.subarray(1, HEADER_SIZE)).toString('hex');
}

/**
 * Decrypt what {@link sealEnvelope} produced with the same master key and purpose. Throws
 * EnvelopeError: 'wrong-key' when it names another master key, 'damaged' when any byte, the key
 * or the purpose does not match, 'malformed' when it is not a sealed value at all.
 * @example const seed = openEnvelope(masterKey, sealed, 'palisade:audit-log-signing-key');
 */
export function openEnvelope(masterKey: Uint8Array, sealed: Uint8Array, purpose: string): Uint8Array {
  assertKey(masterKey, 'master key');
  assertPurpose(purpose);
  const named = sealedKeyId(sealed);
  if (named === undefined) throw new EnvelopeError('malformed', 'not a sealed value (unknown version or too short)');
  const mine = masterKeyId(masterKey);
  if (named !== mine) throw new EnvelopeError('wrong-key', `sealed under master key ${named}, not under ${mine}`);
  const header = sealed.subarray(0, HEADER_SIZE);
  const dataKey = gcmOpen(masterKey, sealed.subarray(HEADER_SIZE, HEADER_SIZE + WRAPPED_SIZE), aad('data-key', purpose, header));
  if (dataKey === undefined) throw new EnvelopeError('damaged', 'the data key does not decrypt: the value was altered or sealed for another purpose');
  const plaintext = gcmOpen(dataKey, sealed.subarray(HEADER_SIZE + WRAPPED_SIZE), aad('data', purpose, header));
  dataKey.fill(0);
  if (plaintext === undefined) throw new EnvelopeError('damaged', 'the data does not decrypt: the value was altered or sealed for another purpose');
  return new Uint8Array(plaintext);
}
