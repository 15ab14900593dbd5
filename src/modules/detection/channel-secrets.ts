/**
 * @module detection/channel-secrets — a channel's secret (webhook HMAC key, Slack URL, SMTP password)
 * sealed under the master key with envelope encryption (core/envelope.ts), under a purpose of its
 * own so it cannot be opened as any other sealed value.
 */
import { openEnvelope, sealEnvelope } from '../../core/envelope.ts';

const PURPOSE = 'palisade:alert-channel-secret';

export interface ChannelSealer {
  seal(plaintext: string): Uint8Array;
  open(sealed: Uint8Array): string;
}

/** @example const sealer = createChannelSealer(masterKey); sealer.open(sealer.seal('x')) === 'x' */
export function createChannelSealer(masterKey: Uint8Array): ChannelSealer {
  return {
    seal: (plaintext) => sealEnvelope(masterKey, Buffer.from(plaintext, 'utf8'), PURPOSE),
    open: (sealed) => Buffer.from(openEnvelope(masterKey, new Uint8Array(sealed), PURPOSE)).toString('utf8'),
  };
}
