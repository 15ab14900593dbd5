/**
 * @module audit-export/sealed-secrets — secrets that Palisade must use again (a webhook secret for
 * HMAC, a SIEM collector's Authorization header) are sealed under the master key with envelope
 * encryption (core/envelope.ts), each kind under its own purpose, so one cannot be opened as another.
 */
import { openEnvelope, sealEnvelope } from '../../core/envelope.ts';

export type SecretPurpose = 'palisade:github-webhook-secret' | 'palisade:audit-sink-headers';

export interface SecretSealer {
  seal(plaintext: string, purpose: SecretPurpose): Uint8Array;
  /** Throws EnvelopeError if the value was sealed under another master key, for another purpose, or altered. */
  open(sealed: Uint8Array, purpose: SecretPurpose): string;
}

/**
 * A sealer over one master key.
 * @example const secrets = createSecretSealer(masterKey); const sealed = secrets.seal('s3cret', 'palisade:github-webhook-secret');
 */
export function createSecretSealer(masterKey: Uint8Array): SecretSealer {
  return {
    seal: (plaintext, purpose) => sealEnvelope(masterKey, Buffer.from(plaintext, 'utf8'), purpose),
    open: (sealed, purpose) => Buffer.from(openEnvelope(masterKey, new Uint8Array(sealed), purpose)).toString('utf8'),
  };
}
