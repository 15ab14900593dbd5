/** @module audit/tlog/ed25519 — raw 32-byte Ed25519 keys (RFC 8032) over node:crypto KeyObjects. */
import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

// node:crypto takes Ed25519 keys as DER, not raw bytes. The DER forms of RFC 8410 are a fixed
// prefix followed by the 32 raw bytes, so raw keys convert by concatenation:
// PKCS#8 PrivateKeyInfo { v0, id-Ed25519 (1.3.101.112), OCTET STRING { OCTET STRING seed } }.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
// SubjectPublicKeyInfo { id-Ed25519, BIT STRING (0 unused bits) public key }.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Length of an Ed25519 seed (private key) and public key. */
export const ED25519_KEY_SIZE = 32;
/** Length of an Ed25519 signature. */
export const ED25519_SIGNATURE_SIZE = 64;

function assertKeyBytes(bytes: unknown, what: string): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== ED25519_KEY_SIZE) {
    throw new TypeError(`${what} must be ${ED25519_KEY_SIZE} bytes`);
  }
}

/**
 * A private KeyObject from a 32-byte RFC 8032 seed.
 *
 * @example
 * const key = ed25519PrivateKey(seed);
 */
export function ed25519PrivateKey(seed: Uint8Array): KeyObject {
  assertKeyBytes(seed, 'Ed25519 seed');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/**
 * A public KeyObject from a 32-byte RFC 8032 public key.
 *
 * @example
 * const key = ed25519PublicKeyObject(publicKey);
 */
export function ed25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  assertKeyBytes(publicKey, 'Ed25519 public key');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

/**
 * The 32-byte public key of a seed.
 *
 * @example
 * ed25519PublicKey(seed).length // 32
 */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  const der = createPublicKey(ed25519PrivateKey(seed)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(SPKI_PREFIX.length));
}

/**
 * A fresh random 32-byte seed from the OS CSPRNG.
 *
 * @example
 * const seed = generateEd25519Seed();
 */
export function generateEd25519Seed(): Uint8Array {
  return new Uint8Array(randomBytes(ED25519_KEY_SIZE));
}

/**
 * Signs a message (pure Ed25519, RFC 8032 §5.1.6).
 *
 * @example
 * const sig = ed25519Sign(ed25519PrivateKey(seed), message);
 */
export function ed25519Sign(key: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, key));
}

/**
 * Verifies a signature (RFC 8032 §5.1.7); false on any malformed input.
 *
 * @example
 * ed25519Verify(ed25519PublicKeyObject(pub), message, sig) // true | false
 */
export function ed25519Verify(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== ED25519_SIGNATURE_SIZE) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
